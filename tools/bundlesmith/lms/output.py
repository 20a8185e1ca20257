"""The kit's and the badges' files of one view, by path, for the build to stage (nothing here writes)."""

from __future__ import annotations

from bundlesmith.lms import badges, competencies, render, setup
from bundlesmith.lms.plan import plan_kit
from bundlesmith.model import Catalogue

OUTPUTS = ("lms", "badges")


def view_folder(catalogue: Catalogue) -> str:
    """Where a view's files go inside lms/ or badges/: at the top for national content, else <variant>/."""
    return f"{catalogue.variant.id}/" if catalogue.variant else ""


def lms_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every bundle's kit: `<bundle>/` with the framework files and the setup sheet."""
    tree: dict[str, bytes] = {}
    prefix = view_folder(catalogue)
    for bid in sorted(catalogue.bundles):
        kit = plan_kit(catalogue, catalogue.bundles[bid])
        folder = f"{prefix}{bid}/"
        for framework in kit.frameworks:
            tree[f"{folder}moodle-competencies-{framework.id}.csv"] = competencies.moodle_csv(framework)
            tree[f"{folder}totara-competencies-{framework.id}.csv"] = competencies.totara_csv(framework)
        tree[f"{folder}canvas-outcomes.csv"] = competencies.canvas_csv(kit.frameworks)
        blocks = setup.blocks(kit)
        tree[f"{folder}lms-setup.md"] = render.markdown(setup.title(kit), blocks)
        tree[f"{folder}lms-setup.html"] = render.page(setup.title(kit), blocks)
    return tree


def badge_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every bundle's Achievement, image and credential template."""
    tree: dict[str, bytes] = {}
    prefix = view_folder(catalogue)
    for bid in sorted(catalogue.bundles):
        kit = plan_kit(catalogue, catalogue.bundles[bid])
        tree[f"{prefix}{bid}.json"] = badges.to_json(badges.achievement(kit))
        tree[f"{prefix}{bid}.svg"] = badges.badge_svg(kit)
        tree[f"{prefix}{bid}.credential-template.json"] = badges.to_json(badges.credential_template(kit))
    return tree


def files(output: str, catalogue: Catalogue) -> dict[str, bytes]:
    """The files of one output ("lms" or "badges") for one view."""
    return lms_files(catalogue) if output == "lms" else badge_files(catalogue)
