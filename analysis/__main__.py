"""Command line of the analysis package:

    /usr/bin/python3 -m analysis plot RESULT.h5 -o FILE.png
    /usr/bin/python3 -m analysis report DIR

Exit codes: 0 ok, 1 the report could not be written, 2 invalid input (missing folder, no
comparison, a result file that is not a complete partnersim result).
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis", description="Analyse partnersim results")
    commands = parser.add_subparsers(dest="command", required=True)
    plot = commands.add_parser("plot", help="plot the standard panels of one result file")
    plot.add_argument("result", help="result file (HDF5)")
    plot.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
    report = commands.add_parser(
        "report",
        help="plots and report.html/report.md of a comparison folder (written by `partnersim compare`)",
        description="Renders the plots (PNG and SVG), report.html and report.md into DIR. DIR holds compare.json "
        "and the two result files; or DIR has subfolders that do, each reported on, plus a combined report in DIR.",
    )
    report.add_argument("folder", metavar="DIR", help="comparison folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "plot":
            from .plot import plot_result

            plot_result(args.result, args.output)
            print(f"analysis: wrote {args.output}")
        elif args.command == "report":
            from .report import render

            written = render(args.folder)
            for path in written[:-1]:
                print(f"analysis: wrote {path} (and report.md, plots)")
            print(f"analysis: report: {written[-1]}")
    except (ValueError, FileNotFoundError, NotADirectoryError) as e:
        print(f"analysis: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"analysis: error: cannot write the report: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
