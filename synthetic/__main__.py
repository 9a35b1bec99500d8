"""python -m synthetic ROOT [demoshire|triton|region N [LOW-HIGH]]: write a synthetic partnership's files."""
import sys

from synthetic import REGION_BOOKINGS, region, write, write_triton

def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "data/demoshire"
    which = sys.argv[2] if len(sys.argv) > 2 else "demoshire"
    if which == "region":  # python -m synthetic ROOT region N [LOW-HIGH]
        low, _, high = (sys.argv[4] if len(sys.argv) > 4 else "-".join(map(str, REGION_BOOKINGS))).partition("-")
        for folder in region(target, int(sys.argv[3]), bookings=(int(low), int(high))):
            print(folder)
    else:
        print(write_triton(target) if which == "triton" else write(target))


main()
