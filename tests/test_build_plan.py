"""Before anything renders, the plan says what a build makes: every package of every view, which ones the
last build's files can stand for, and where each view's site and reports go."""

from __future__ import annotations

from datetime import date

from bundlesmith import build, build_plan, inputs, pipeline, state
from bundlesmith.build_plan import BuildOptions, KeptPackage, PackageJob

TODAY = date(2026, 6, 1)


def plan_of(project, out, **options) -> build_plan.BuildPlan:
    """The plan `bundlesmith build` would carry out now (the same input set and state it reads)."""
    opts = BuildOptions(root=project, out=out, today=TODAY, jobs=1, **options)
    names = pipeline.available_variants(project) if opts.variants is None else opts.variants
    known = inputs.hash_inputs(project, {"only": sorted(opts.only), "bundles": list(opts.bundles),
                                         "variants": list(names)}, TODAY)
    views = pipeline.check_all(project, names, TODAY)
    return build_plan.plan(opts, [view.catalogue for view in views], known, state.read(out))


def names(plan: build_plan.BuildPlan, kind: type) -> list[str]:
    return [slot.filename if isinstance(slot, PackageJob) else slot.record.filename
            for view in plan.views for slot in view.packages if isinstance(slot, kind)]


def test_a_first_build_plans_every_package_of_every_view_and_its_folders(project, tmp_path):
    plan = plan_of(project, tmp_path / "build")
    assert [view.label for view in plan.views] == ["national", "riverside-ics"]
    assert [(view.site, view.reports) for view in plan.views] == [("site", "reports"),
                                                                 ("site-riverside-ics", "reports/riverside-ics")]
    planned = names(plan, PackageJob)
    expected = [f"{b.id}-{b.version}{'-' + view.variant if view.variant else ''}-scorm{v.replace('.', '')}.zip"
                for view in plan.views for b in view.bundles for v in b.scorm.versions]
    assert planned == expected and len(planned) == 10
    assert names(plan, KeptPackage) == []
    assert all(job.plan.scos for job in plan.jobs), "each package's SCOs are decided in the plan"


def test_after_a_build_the_plan_keeps_every_package_and_a_body_edit_replans_only_its_bundles(project, tmp_path):
    out = tmp_path / "build"
    assert build.run(BuildOptions(root=project, out=out, only=frozenset({"scorm"}), today=TODAY)).ok
    again = plan_of(project, out, only=frozenset({"scorm"}))
    assert names(again, PackageJob) == [] and len(names(again, KeptPackage)) == 10

    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text() + "\nOne more sentence.\n")  # its body: other bundles only name it
    edited = plan_of(project, out, only=frozenset({"scorm"}))
    replanned = names(edited, PackageJob)
    using = {b.id for b in edited.views[0].bundles if "speaking-up-and-listening-up" in b.module_ids}
    assert replanned and {job.plan.bundle.id for job in edited.jobs} == using
    assert len(replanned) + len(names(edited, KeptPackage)) == 10


def test_a_package_file_changed_in_build_is_never_kept(project, tmp_path):
    """build/ is untrusted: the plan keeps a zip only while it is byte for byte what the state records."""
    out = tmp_path / "build"
    assert build.run(BuildOptions(root=project, out=out, only=frozenset({"scorm"}), today=TODAY)).ok
    tampered = out / "scorm" / "mid-career-managers-1.0.0-scorm12.zip"
    tampered.write_bytes(tampered.read_bytes() + b"\0")
    plan = plan_of(project, out, only=frozenset({"scorm"}))
    assert names(plan, PackageJob) == ["mid-career-managers-1.0.0-scorm12.zip"]


def test_building_one_bundle_carries_the_others_over_as_the_state_vouches(project, tmp_path):
    out = tmp_path / "build"
    assert build.run(BuildOptions(root=project, out=out, only=frozenset({"scorm"}), today=TODAY)).ok
    plan = plan_of(project, out, only=frozenset({"scorm"}), bundles=("mid-career-managers",))
    assert {b.id for view in plan.views for b in view.bundles} == {"mid-career-managers"}
    carried = sorted(r.filename for r in plan.carried)
    assert carried and not any(name.startswith("mid-career-managers-") for name in carried)


def test_a_retitled_module_replans_only_the_packages_that_show_it(project, tmp_path):
    """A module outside a package shows there only as the words of a link to it: retitling a module
    leaves alone every package that neither holds it nor links to it."""
    from bundlesmith.render.module_links import module_links, module_paths

    out = tmp_path / "build"
    assert build.run(BuildOptions(root=project, out=out, only=frozenset({"scorm"}), today=TODAY)).ok
    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text().replace("title: Speaking up and listening up", "title: Speaking up", 1))
    edited = plan_of(project, out, only=frozenset({"scorm"}))
    catalogue = edited.views[0].catalogue
    paths = module_paths(catalogue)
    showing = {b.id for b in catalogue.bundles.values()
               if any(mid == "speaking-up-and-listening-up"
                      or "speaking-up-and-listening-up" in module_links(catalogue.modules[mid], paths).modules
                      for mid in b.module_ids)}
    assert {job.plan.bundle.id for job in edited.jobs} == showing
    assert names(edited, KeptPackage), "the other bundles' packages are kept"
