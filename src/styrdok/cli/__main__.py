"""``python -m styrdok.cli`` runs the command line (as the ``styrdok`` script does)."""

from styrdok.cli import main

main()
