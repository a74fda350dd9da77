"""The report stage: turn a run directory's log history into report.png, report.html and summary.txt.

`sftflow.report.run.run(config, run_dir)` reads manifest.json and log_history.json and writes the three files
next to them; it needs neither torch nor a display.
"""
