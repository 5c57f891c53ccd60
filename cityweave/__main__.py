"""`python -m cityweave`: the same as the `cityweave` console script."""

from cityweave.cli import main

if __name__ == "__main__":
    main()
