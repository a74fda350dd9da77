"""The command line's verbs, one module each (HELP, add_arguments(parser), run(config, args)): they read the
arguments and call a stage (`sftflow.<stage>.run.run(config, run_dir, **options)`), a flow of stages
(sftflow.flows), the demo or a sweep. `sftflow run` does what the file's mode says; `sftflow config` shows it."""
