"""``python -m uprflow`` runs the CLI."""

from uprflow.cli import main

main()
