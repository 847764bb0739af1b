"""``python -m geomap`` runs the command line."""

from .cli.main import main

if __name__ == "__main__":  # pragma: no cover
    main()
