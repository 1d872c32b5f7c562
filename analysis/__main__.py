"""Command line of the analysis package:

    /usr/bin/python3 -m analysis plot RESULT.h5 -o FILE.png
    /usr/bin/python3 -m analysis report DIR

Exit codes: 0 ok, 1 the report could not be written, 2 invalid input (missing folder, no
comparison, a result file that is not a complete partnersim result).
    /usr/bin/python3 -m analysis sweep DIR --outcome METRIC (--morris | --sobol | --vs P [P2]) -o FILE.png
"""

from __future__ import annotations

import argparse
import sys

from . import sweep as sweeps


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
    sw = commands.add_parser("sweep", help="sensitivity of a sweep made by partnersim batch (docs/BATCH.md)")
    sw.add_argument("sweep", help="sweep folder or its sweep.h5")
    sw.add_argument("--outcome", required=True, help="a metric gathered in the index")
    sw.add_argument("--at", default="last", help="'last' (default), 'mean' over steps, or a step index")
    kind = sw.add_mutually_exclusive_group(required=True)
    kind.add_argument("--morris", action="store_true", help="Morris mu*, sigma (design morris)")
    kind.add_argument("--sobol", action="store_true", help="Sobol S1, ST (design saltelli)")
    kind.add_argument("--vs", nargs="+", metavar="PARAM", help="outcome against one or two parameters")
    sw.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    sw.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
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
        elif args.command == "sweep":
            run_sweep(args)
    except (ValueError, FileNotFoundError, NotADirectoryError) as e:
        print(f"analysis: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"analysis: error: cannot write the report: {e}", file=sys.stderr)
        return 1
    return 0


def run_sweep(args) -> None:
    s = sweeps.load_sweep(args.sweep)
    at = args.at if args.at in ("last", "mean") else int(args.at)
    y = s.outcome(args.outcome, at)
    if args.morris:
        table = sweeps.morris_effects(s.design, y, s.parameters, s.ranges, n_boot=args.bootstrap)
        sweeps.plot_morris(table, args.outcome, args.output)
    elif args.sobol:
        table = sweeps.sobol_indices(s.design, y, s.parameters, n_boot=args.bootstrap)
        sweeps.plot_sobol(table, args.outcome, args.output)
    else:
        unknown = [p for p in args.vs if p not in s.parameters]
        if unknown:
            raise ValueError(f"not varied in this sweep: {', '.join(unknown)}; varied: {', '.join(s.parameters)}")
        sweeps.plot_outcome(s, y, args.vs, args.output)
        table = s.design[args.vs].assign(**{args.outcome: y})
    print(table.to_string())
    print(f"analysis: wrote {args.output}")


if __name__ == "__main__":
    sys.exit(main())
