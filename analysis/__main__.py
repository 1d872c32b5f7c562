"""Command line of the analysis package: /usr/bin/python3 -m analysis plot RESULT.h5 -o FILE.png"""

from __future__ import annotations

import argparse
import sys

from .plot import plot_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis", description="Analyse partnersim results")
    commands = parser.add_subparsers(dest="command", required=True)
    plot = commands.add_parser("plot", help="plot the standard panels of one result file")
    plot.add_argument("result", help="result file (HDF5)")
    plot.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
    args = parser.parse_args(argv)
    try:
        if args.command == "plot":
            plot_result(args.result, args.output)
            print(f"analysis: wrote {args.output}")
    except (ValueError, FileNotFoundError) as e:
        print(f"analysis: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
