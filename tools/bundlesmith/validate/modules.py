"""Rules for each module's alignments, outcomes, quiz references and prerequisites."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error, warning
from bundlesmith.markdown import unpack_tokens
from bundlesmith.model import AUTO_MARKED_METHODS, QUIZ_TOKEN, STRENGTHS, Catalogue, Module
from bundlesmith.raw_html import open_around
from bundlesmith.validate.memo import Alignments, Memo


def check_modules(catalogue: Catalogue, memo: Memo | None = None) -> list[Diagnostic]:
    """`memo` carries each module's alignment findings to the next view with the same frameworks."""
    problems: list[Diagnostic] = []
    all_refs = [i.ref for f in catalogue.frameworks.values() for i in f.items]
    levels = {level for f in catalogue.frameworks.values() for level in f.levels}
    frameworks = tuple(catalogue.frameworks.items())
    key = tuple((fid, id(f)) for fid, f in frameworks)
    shared = memo if memo is not None else Memo()
    earlier = shared.alignments.setdefault(key, Alignments(frameworks)).modules
    for module in catalogue.modules.values():
        found = earlier.get(id(module))
        if found is not None and found[0] is module:
            problems += found[1]
        else:
            alignment_problems = _check_alignments(catalogue, module, all_refs)
            earlier[id(module)] = (module, alignment_problems)
            problems += alignment_problems
        problems += shared.of_module("module", module, _check_module)
        for level in module.levels:
            if levels and level not in levels:
                problems.append(error(module.span, "unknown-level",
                                      f"level '{level}' is not a level of any framework",
                                      did_you_mean(level, levels)))
        for prerequisite, span in module.prerequisites:
            if prerequisite == module.id:
                problems.append(error(span, "prerequisite-cycle", f"module '{module.id}' lists itself as a prerequisite"))
            elif prerequisite not in catalogue.modules and prerequisite not in catalogue.broken:
                problems.append(error(span, "unknown-module", f"unknown prerequisite module '{prerequisite}'",
                                      did_you_mean(prerequisite, catalogue.modules)))
    problems += _check_cycles(catalogue)
    return problems


def _check_alignments(catalogue: Catalogue, module: Module, all_refs: list[str]) -> list[Diagnostic]:
    problems = []
    seen = set()
    outcome_ids = {o.id for o in module.outcomes}
    quiz_ids = {q.id for q in module.quiz.questions} if module.quiz else set()
    quiz_known = module.quiz is None or module.quiz.valid
    for alignment in module.standards:
        span = alignment.span
        if alignment.standard in seen:
            problems.append(error(span, "duplicate-alignment", f"standard '{alignment.standard}' is listed twice"))
        seen.add(alignment.standard)
        item = catalogue.standard(alignment.standard)
        if item is None:
            fid = alignment.standard.partition(":")[0]
            if fid not in catalogue.frameworks:
                problems.append(error(span, "unknown-framework",
                                      f"unknown framework '{fid}' in '{alignment.standard}'",
                                      did_you_mean(fid, catalogue.frameworks)))
            else:
                problems.append(error(span, "unknown-standard", f"unknown standard '{alignment.standard}'",
                                      did_you_mean(alignment.standard, all_refs)))
        elif item.type == "domain":
            problems.append(error(span, "aligned-to-domain",
                                  f"'{alignment.standard}' is a domain; align to one of its standards instead",
                                  f"for example {item.framework}:{item.children[0]}" if item.children else ""))
        for oid in alignment.outcomes:
            if oid not in outcome_ids:
                problems.append(error(span, "unknown-outcome",
                                      f"'{alignment.standard}' names unknown outcome '{oid}'",
                                      did_you_mean(oid, outcome_ids)))
        for anchor in alignment.evidence:
            if anchor.lstrip("#") not in module.anchors:
                problems.append(error(span, "unknown-anchor",
                                      f"evidence '{anchor}' is not a heading of this module",
                                      did_you_mean(anchor.lstrip("#"), module.anchors)))
        if alignment.strength == "assesses":
            if alignment.assessment is None:
                problems.append(error(span, "assesses-without-assessment",
                                      f"'{alignment.standard}' is assessed but has no 'assessment' (method and items)"))
            elif alignment.assessment.method in AUTO_MARKED_METHODS and not alignment.assessment.items:
                problems.append(error(alignment.assessment.span, "assessment-without-items",
                                      f"a {alignment.assessment.method} assessment must list the quiz 'items' that assess it"))
        elif alignment.assessment is not None and alignment.strength in STRENGTHS:
            problems.append(warning(alignment.assessment.span, "assessment-not-assesses",
                                    f"'{alignment.standard}' has an assessment but its strength is '{alignment.strength}'",
                                    "set strength: assesses"))
        if alignment.assessment is not None:
            if alignment.assessment.items and module.quiz is None:
                problems.append(error(alignment.assessment.span, "no-quiz",
                                      "assessment lists quiz items but the module has no ```quiz block"))
            elif module.quiz is not None and quiz_known:
                for qid in alignment.assessment.items:
                    if qid not in quiz_ids:
                        problems.append(error(alignment.assessment.span, "unknown-quiz-item",
                                              f"unknown quiz question '{qid}'", did_you_mean(qid, quiz_ids)))
    return problems


def _check_module(module: Module) -> list[Diagnostic]:
    """The rules that read the module alone."""
    return _check_outcomes(module) + _check_answer_positions(module) + _check_quiz_place(module)


def _check_outcomes(module: Module) -> list[Diagnostic]:
    problems = []
    seen = set()
    for outcome in module.outcomes:
        if outcome.id in seen:
            problems.append(error(outcome.span, "duplicate-id", f"duplicate outcome id '{outcome.id}'"))
        seen.add(outcome.id)
    return problems


def _check_answer_positions(module: Module) -> list[Diagnostic]:
    """A warning when every question of the knowledge check has its right answer(s) in the same place: a
    learner who notices needs no knowledge (the pages shuffle the choices, but print, no-script and exports
    keep the author's order)."""
    quiz = module.quiz
    if quiz is None or not quiz.valid or len(quiz.questions) < 2:
        return []
    places = {tuple(n + 1 for n, c in enumerate(q.choices) if c.correct) for q in quiz.questions}
    if len(places) != 1:
        return []
    (place,) = places
    where = "choice " + " and ".join(str(n) for n in place)
    return [warning(quiz.span, "answers-in-one-position",
                    f"the right answer of every question of the knowledge check is {where}",
                    "put the right answers in different positions")]


def _check_quiz_place(module: Module) -> list[Diagnostic]:
    """A warning when the knowledge check is written inside raw HTML (a `<details>` block, say): raw HTML
    reaches the page whole, through the sanitiser, and the check (bundlesmith's own markup) cannot be put
    inside it, so every output shows it after that HTML ends (render/markdown_rules.render_tokens)."""
    if not module.raw_html or module.quiz is None or module.prepared is None:
        return []
    tokens = unpack_tokens(module.prepared.tokens)  # only a module with raw HTML and a check gets here
    at = next((index for index, token in enumerate(tokens) if token.type == QUIZ_TOKEN), None)
    around, closed = open_around(tokens, at) if at is not None else ((), True)
    if not around:
        return []
    where = f"after the </{around[0]}>" if closed else f"at the end of the module (the <{around[0]}> is never closed)"
    return [warning(module.quiz.span, "quiz-inside-html",
                    f"the knowledge check is inside raw HTML (<{around[-1]}>), where it cannot be shown: it comes "
                    f"{where}", "move the ```quiz block out of the HTML")]


def _check_cycles(catalogue: Catalogue) -> list[Diagnostic]:
    """Report each prerequisite cycle once, naming every module on it."""
    problems, reported = [], set()
    graph = {m.id: [p for p, _ in m.prerequisites if p in catalogue.modules and p != m.id]
             for m in catalogue.modules.values()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    start = min(cycle)
                    ordered = cycle[cycle.index(start):] + cycle[:cycle.index(start)]
                    module = catalogue.modules[start]
                    span = next(s for p, s in module.prerequisites if p == ordered[(1) % len(ordered)])
                    problems.append(error(span, "prerequisite-cycle",
                                          "prerequisite cycle: " + " -> ".join([*ordered, start])))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return problems
