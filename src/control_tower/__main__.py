from control_tower.cli import main

raise SystemExit(main())
