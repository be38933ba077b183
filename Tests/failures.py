#!/usr/bin/env python3
"""Print the failed tests of a .trx file (name, message, stack) so they are the last thing a run prints.

`make test` runs this after `dotnet test` fails: CI keeps only the tail of a long log, and the normal console
output names a failure far above the summary line.
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> int:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"failures.py: cannot read {path}: {error}", file=sys.stderr)
        return 1
    failed = [r for r in root.iterfind(".//t:UnitTestResult", NS) if r.get("outcome") == "Failed"]
    if not failed:
        return 0
    print(f"\n===== {len(failed)} failed test(s) =====")
    for result in failed:
        print(f"\n--- {result.get('testName')} ({result.get('duration')})")
        for tag in ("Message", "StackTrace"):
            node = result.find(f"t:Output/t:ErrorInfo/t:{tag}", NS)
            if node is not None and node.text:
                print(node.text.strip()[:6000])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
