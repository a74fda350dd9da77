"""The 27 query shapes, one file per tier: each builder draws a question and its gold query for a sampled database."""

from . import join_or_group, multi_step, single_table

BUILDERS = {**single_table.BUILDERS, **join_or_group.BUILDERS, **multi_step.BUILDERS}
SHAPES = tuple(BUILDERS)
# The mix real questions need: a third single-table, a third one join or grouping, a third harder than that.
TIERS = {"single_table": tuple(single_table.BUILDERS), "join_or_group": tuple(join_or_group.BUILDERS),
         "multi_step": tuple(multi_step.BUILDERS)}
