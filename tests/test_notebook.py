"""The example notebook runs from top to bottom and shows what its text promises.

It is executed with nbclient in a kernel started from this test's own interpreter
(a kernelspec written to a temporary JUPYTER_PATH), so it runs against the
installed alliance_search, whatever kernels the machine has.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
KERNEL = "alliance-search-test"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The notebook after a run, and the folder it ran in."""
    home = tmp_path_factory.mktemp("jupyter")
    spec = home / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "alliance_search tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    workdir = tmp_path_factory.mktemp("notebook-cwd")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "import sys\nprint(sys.executable)\nprint('index left:', Path(dossier.name).exists())"
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(home))
        patch.setenv("IPYTHONDIR", str(home / "ipython"))
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL,
            timeout=120,
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute()  # raises CellExecutionError on the first cell that fails
    return notebook, workdir


def outputs(notebook: Any, source: str) -> list[Any]:
    """The outputs of the one code cell whose source contains ``source``."""
    cells = [c for c in notebook.cells if c.cell_type == "code" and source in c.source]
    assert len(cells) == 1, source
    return list(cells[0].outputs)


def html(notebook: Any, source: str) -> str:
    return "".join(o.data.get("text/html", "") for o in outputs(notebook, source) if "data" in o)


def text(notebook: Any, source: str) -> str:
    return "".join(o.get("text", "") for o in outputs(notebook, source))


def test_every_cell_ran_without_error(executed) -> None:
    notebook, _ = executed
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not [o for c in code for o in c.outputs if o.get("name") == "stderr"]


def test_the_kernel_is_this_interpreter(executed) -> None:
    notebook, _ = executed
    assert text(notebook, "print(sys.executable)").splitlines()[0] == sys.executable


def test_results_tables(executed) -> None:
    notebook, _ = executed
    assert text(notebook, "als.build_index").strip() == "15 articles indexés"
    tpb = html(notebook, 'index.search("TPB")')
    assert "<table class='als-results'>" in tpb
    assert "<b>Etats limites et lien thérapeutique</b>" in tpb
    assert "<mark>borderline</mark>" in tpb
    assert "2 of 2 articles for «TPB»" in tpb
    alzheimer = html(notebook, 'index.search("maladie d\'Alzheimer")')
    assert "<b>Alliance thérapeutique dans la démence</b>" in alzheimer
    adolescents = html(notebook, 'ados = index.search("alliance')
    assert "10 of 10 articles" in adolescents and "<details>" in adolescents
    assert "<b>Soins infirmiers : réinventer la relation?</b>" in html(
        notebook, 'index.search("soins sans consentement")'
    )
    similar = html(notebook, "more_like_this")
    assert "3 of 11 articles" in similar
    assert "Etats limites et lien thérapeutique</b>" not in similar  # not itself


def test_explanations_and_suggestions(executed) -> None:
    notebook, _ = executed
    assert "synonyms: personnalité limite" in text(notebook, "thesaurus.explain")
    why = text(notebook, "premier.explanation")
    assert "TPB → summary «borderline» (synonym, etat-limite)" in why
    assert "(broader, demence)" in text(notebook, "alzheimer[0].explanation")
    assert "résultats pour : maladie d'Alzheimer" in text(notebook, "Alsheimer")
    corrected = html(notebook, "Alsheimer")
    assert "showing results for «maladie d&#x27;Alzheimer»" in corrected
    assert "<b>Alliance thérapeutique dans la démence</b>" in corrected
    assert "vouliez-vous dire : alliance thérapeutique" in text(notebook, "thérapeutque")
    assert "did you mean «alliance thérapeutique»" in html(notebook, "thérapeutque")
    notes = text(notebook, "Quels articles parlent")
    assert "not searched: «Quels articles parlent des» (asks for documents)" in notes
    assert "<b>Etats limites et lien thérapeutique</b>" in html(notebook, "Quels articles parlent")
    assert "not searched: «Comment» (frames the question)" in text(notebook, "patient psychotique")
    longer = html(notebook, "patient psychotique")
    assert longer.index("Le temps vécu dans la psychose") < longer.index("Soins infirmiers")


def test_an_empty_search_points_to_nearby_concepts(executed) -> None:
    notebook, _ = executed
    assert "('alliance thérapeutique', 7)" in text(notebook, "contre-transfert")
    assert "nearby concepts with articles: alliance thérapeutique (7)" in html(
        notebook, "contre-transfert"
    )


def test_dataframes(executed) -> None:
    notebook, _ = executed
    table = html(notebook, "to_pandas()")
    assert "<table" in table and "« J’ai déjà aligné huit infirmiers… »" in table
    facets = html(notebook, "facets_frame()")
    assert "alliance thérapeutique" in facets and "<th>articles</th>" in facets
    assert "Avoir affaire l’un avec l’autre" in html(notebook, "als.concept_frame(index)")


def test_figures_are_png_images(executed) -> None:
    notebook, _ = executed
    for source in ("als.plot_facets(ados", "als.plot_concepts(ados", "als.plot_concepts(index)"):
        images = [o.data["image/png"] for o in outputs(notebook, source) if "data" in o]
        assert len(images) == 1, source  # shown once, as PNG
        assert images[0].startswith("iVBORw0KGgo")  # base64 of the PNG signature


def test_the_notebook_leaves_nothing_behind(executed) -> None:
    notebook, workdir = executed
    assert list(workdir.iterdir()) == []
    assert text(notebook, "print(sys.executable)").splitlines()[1] == "index left: False"
    assert "dossier.cleanup()" in NOTEBOOK.read_text(encoding="utf-8")


def test_the_stored_notebook_is_clean() -> None:
    """Kept without outputs, so that diffs stay readable; the tests above run it."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
