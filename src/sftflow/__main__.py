from sftflow.cli import main

raise SystemExit(main())
