"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps).

One test case per resource and rule: a reviewer sees which checks passed as
well as which failed.  Findings at or above `--fail-on` are failures; those
below it pass with their message kept as output, and suppressed or
baselined ones are skipped with their reason, so nothing is hidden.  Every
input-derived string goes through `reports.escape.xml`: a control character
in a file name must not make the whole file unparsable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from checker.model import Finding, ScanResult
from checker.reports.common import (
    UNRESOLVED_ID,
    WILDCARD_ID,
    definition_text,
    quiet_because,
    replacement_text,
    unresolved_message,
    wildcard_message,
)
from checker.reports.escape import xml
from checker.rules import ALL_RULES


def render(result: ScanResult) -> str:
    by_resource: dict[tuple[str, str], dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    resources: dict[tuple[str, str], None] = {}
    for a in result.references:
        r = a.reference
        resources[(r.location.file, r.resource)] = None
    for f in result.findings:
        key = (f.reference.location.file, f.reference.resource)
        resources[key] = None
        by_resource[key][f.rule_id].append(f)

    suite = ET.Element("testsuite", name="bedrock-lifecycle")
    if result.repository_changes:
        props = ET.SubElement(suite, "properties")
        for c in result.repository_changes:
            ET.SubElement(props, "property", name="repository_change", value=xml(c))
    tests = failures = errors = skipped = 0
    for file, resource in resources:
        for rule in ALL_RULES:
            case = ET.SubElement(suite, "testcase", classname=xml(file), name=xml(f"{rule.id} {resource}"))
            tests += 1
            found = by_resource[(file, resource)].get(rule.id, [])
            failing = [f for f in found if f.active and f.severity.rank >= result.fail_on.rank]
            if failing:
                failures += 1
                first = failing[0]
                el = ET.SubElement(case, "failure", message=xml(first.message), type=first.severity.value)
                el.text = xml(
                    "\n".join(
                        f"{f.reference.location.file}:{f.reference.location.line}: {f.message}"
                        + (f"\n{replacement_text(f)}" if replacement_text(f) else "")
                        + (f"\ndefined at {definition_text(f.reference)}" if definition_text(f.reference) else "")
                        for f in failing
                    )
                )
            elif found and all(not f.active for f in found):
                skipped += 1
                ET.SubElement(case, "skipped", message=xml("; ".join(quiet_because(f) for f in found)))
                continue
            failed = {id(f) for f in failing}
            shown = [f for f in found if id(f) not in failed]
            if shown:
                out = ET.SubElement(case, "system-out")
                out.text = xml(
                    "\n".join(
                        f"{f.severity.value}: {f.message}" + (f" ({quiet_because(f)})" if not f.active else "")
                        for f in shown
                    )
                )
    # An undecided reference is a test case of its own: skipped (not judged,
    # never a silent pass), or failed under --fail-on-unresolved. A
    # wildcard grant passes, with what it grants kept as output.
    for a in result.unresolved:
        r = a.reference
        case = ET.SubElement(
            suite, "testcase", classname=xml(r.location.file), name=xml(f"{UNRESOLVED_ID} {r.resource}.{r.attribute}")
        )
        tests += 1
        text = f"{r.location}: {unresolved_message(a)}"
        if result.fail_on_unresolved:
            failures += 1
            ET.SubElement(case, "failure", message=xml(unresolved_message(a)), type="unresolved").text = xml(text)
        else:
            skipped += 1
            ET.SubElement(case, "skipped", message=xml(text))
    for a in result.wildcards:
        r = a.reference
        case = ET.SubElement(
            suite, "testcase", classname=xml(r.location.file), name=xml(f"{WILDCARD_ID} {r.resource}.{r.attribute}")
        )
        tests += 1
        ET.SubElement(case, "system-out").text = xml(f"{r.location}: {wildcard_message(a)}")
    for e in result.errors:
        case = ET.SubElement(suite, "testcase", classname=xml(e.file), name="read")
        tests += 1
        errors += 1
        ET.SubElement(case, "error", message=xml(e.message), type=xml(e.kind)).text = xml(e)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    root = ET.Element(
        "testsuites", name="bedrock-lifecycle", tests=str(tests), failures=str(failures), errors=str(errors)
    )
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
