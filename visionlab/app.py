"""``visionlab app``: a local web app over a classification run and/or a segmenter.

Upload an image (or pick an example) and see, side by side: the classifier's class
probabilities with, beside them, whether the image is unlike the training images (the run's
out-of-distribution flag, :mod:`visionlab.models.ood`), its Grad-CAM overlay (the CAM of the eval
crop mapped back onto the whole image, as in ``visionlab compare``), the segmentation overlay with a
legend of the classes found, and the ``visionlab pipeline`` regions (one per object) with their
labels and flags.

Layout of the code: everything the app computes lives in plain functions (:func:`load_models`,
:func:`read_upload`, :func:`analyse` and the helpers it calls) that take and return arrays and
dicts, so they are tested without a browser; :func:`build_app` only wires them to Gradio
components; the HTML and text pieces live in :mod:`visionlab.app_html`. Models load once, when the
app is built.

Decisions:

* Uploads go through a file component, not an image component: Gradio's image component
  decodes the upload with Pillow before our code runs, so a corrupt file would surface as
  Gradio's generic "Error". Here every upload is decoded by :func:`visionlab.data.images.load_rgb`
  (the repo's checks: empty, truncated, not an image, decompression bomb) after a cheap header
  check against :data:`MAX_UPLOAD_PIXELS` (a header that declares more pixels than Pillow will
  open at all gets the same kind of message), and the message is shown in the status line and a
  ``gr.Warning`` toast. Files over :data:`MAX_UPLOAD_BYTES` are refused by Gradio before they reach
  the app (the page says the file exceeds the maximum size; the upload route answers 413).
* Offline: no request may leave 127.0.0.1. Gradio 6's default theme already serves its fonts
  from the app (older releases fetched Google Fonts from a CDN); the theme here names system
  font stacks only (plain font-family names: no stylesheet, no font file is requested at all).
  Gradio's analytics and version check are off (``GRADIO_ANALYTICS_ENABLED=False`` before Gradio
  is imported, and ``analytics_enabled=False`` on the Blocks), Hugging Face Hub telemetry is off,
  server-side rendering (a Node server), the MCP server, the PWA manifest, the monitoring page,
  the run history page and share links (a tunnel through gradio.live) are off; the footer keeps
  only the local API page. The browser test records every request the page makes and every
  socket the server process opens.
* Queue: one queue for every event that runs a model. The Analyse button and the example
  clicks join one Gradio concurrency group, :data:`MODEL_QUEUE` (Gradio otherwise gives each event
  listener a group of its own, keyed by its Python function), limited to ``QUEUE_CONCURRENCY = 1``:
  inference is CPU-bound (two cores on the lab machines, and torch already spreads one forward
  pass over them), and Grad-CAM temporarily installs hooks and freezes parameters on the shared
  model, so requests are run one at a time (a lock in :class:`AppModels` guarantees it for direct
  callers too). ``max_size=16`` (:data:`QUEUE_MAX_SIZE`, waiting requests of all events together):
  users past that are told at once that the app is busy instead of waiting minutes; everyone in
  the queue sees their position.
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from visionlab.app_examples import N_EXAMPLES as N_EXAMPLES  # re-exported with the functions below
from visionlab.app_examples import default_cache_dir as default_cache_dir
from visionlab.app_examples import find_examples as find_examples
from visionlab.app_examples import game_variant_of as game_variant_of
from visionlab.app_examples import rendered_examples as rendered_examples
from visionlab.app_examples import run_examples as run_examples
from visionlab.app_html import REGION_HEADERS as REGION_HEADERS  # re-exported: the app's pieces keep their app.* names
from visionlab.app_html import legend_html, markdown_escape, ood_html, ood_sentence, regions_html
from visionlab.app_html import region_table as region_table
from visionlab.data.images import load_rgb
from visionlab.errors import ConfigError, DatasetError, UnknownNameError, UnreadableImageError, VisionLabError
from visionlab.explain.cam import Explainer
from visionlab.explain.figures import overlay as cam_overlay
from visionlab.explain.geometry import cam_to_image
from visionlab.pipeline import PipelineOptions, RegionClassifier, image_regions, resolve_classes
from visionlab.segment import LoadedSegmenter, SegmentationPredictor, class_shares, load_segmenter
from visionlab.segment import overlay as seg_overlay

if TYPE_CHECKING:
    import gradio as gr

MAX_UPLOAD_PIXELS = 20_000_000  # 20 MP: larger photos are refused with a message (downscale them first)
MAX_UPLOAD_BYTES = "50mb"  # Gradio refuses larger uploads before they reach the app
QUEUE_CONCURRENCY = 1
QUEUE_MAX_SIZE = 16
MODEL_QUEUE = "models"  # the Gradio concurrency group of every event that runs a model
SANS = ("ui-sans-serif", "system-ui", "DejaVu Sans", "Liberation Sans", "sans-serif")
MONO = ("ui-monospace", "DejaVu Sans Mono", "Liberation Mono", "monospace")
T = TypeVar("T")


def _quiet_gradio_internals() -> None:
    """Hide two pandas deprecation warnings that Gradio's queue statistics raise on every request (pandas 3)."""
    for message in (r"'future\.no_silent_downcasting' is deprecated", r"The copy keyword is deprecated"):
        warnings.filterwarnings("ignore", message=message)


def _disable_phone_home() -> None:
    """Switch off Gradio's analytics/version check and Hugging Face telemetry (before Gradio is imported)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_SSR_MODE", "False")


# --- models --------------------------------------------------------------------------------------

@dataclass
class AppModels:
    """What the app was started with, loaded once."""

    classifier: RegionClassifier | None = None
    segmenter: LoadedSegmenter | None = None
    predictor: SegmentationPredictor | None = None
    region_classes: dict[int, str] | None = None  # segmentation classes cut into regions; None: no pipeline
    pipeline_note: str | None = None  # why the pipeline is off although both models are there
    options: PipelineOptions = field(default_factory=PipelineOptions)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _need(model: T | None, option: str) -> T:
    """``model``; ConfigError naming the start option when the app was started without it."""
    if model is None:
        raise ConfigError(f"the app was started without {option}")
    return model


def load_models(classifier: str | Path | None = None, segmenter: str | Path | None = None,
                options: PipelineOptions | None = None) -> AppModels:
    """Load the classification run and/or the segmenter once.

    Args:
        classifier: Classification run folder.
        segmenter: Segmentation run folder, pretrained name or classical baseline (``otsu``, ``kmeans``).
        options: Pipeline settings (region classes, minimum area, padding, device).

    Raises:
        ConfigError: Neither model was given.
        RunFolderError, UnknownNameError, WeightsUnavailableError: A model cannot be loaded (the
            message says why), or ``options.classes`` names classes the segmenter does not predict.
    """
    if classifier is None and segmenter is None:
        raise ConfigError("give --classifier RUN, --segmenter NAME|RUN, or both; the app needs at least one model")
    opts = options or PipelineOptions()
    models = AppModels(options=opts)
    if classifier is not None:
        models.classifier = RegionClassifier(classifier, opts.device, opts.amp)
    if segmenter is not None:
        models.segmenter = load_segmenter(segmenter)
        models.predictor = SegmentationPredictor(models.segmenter, opts.device, opts.amp, batch_size=1)
    if models.classifier is not None and models.segmenter is not None:
        try:
            models.region_classes = resolve_classes(opts.classes, models.segmenter.classes.names)
        except UnknownNameError as exc:
            if opts.classes is not None:
                raise
            param, _, reason = str(exc).partition(": ")  # the message starts with the parameter: name the app's option
            models.pipeline_note = f"Regions are off: `--{param}`: {reason}"
    return models


# --- one image -----------------------------------------------------------------------------------

def _header_size(path: Path, max_pixels: int) -> tuple[int, int] | None:
    """The image's size from its header (no decoding); None when Pillow cannot even parse it.

    Raises:
        UnreadableImageError: The header declares so many pixels that Pillow refuses to open the
            file at all (a decompression bomb, or a huge scan).
    """
    try:
        with Image.open(path) as img:
            return img.size
    except Image.DecompressionBombError as exc:
        refused = 2 * (Image.MAX_IMAGE_PIXELS or 0)  # Pillow raises above twice its limit
        raise UnreadableImageError(f"{path}: its header declares over {refused / 1e6:.0f} megapixels (a possible decompression bomb); "
                                   f"the app takes at most {max_pixels / 1e6:g} megapixels, downscale the image first") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None  # load_rgb explains what is wrong


def read_upload(path: str | Path, max_pixels: int = MAX_UPLOAD_PIXELS) -> np.ndarray:
    """Decode an uploaded file to an ``(H, W, 3)`` uint8 array with the repo's checks.

    Raises:
        UnreadableImageError: Empty, corrupt, truncated or not an image, or more than
            ``max_pixels`` pixels; the message names the file (without the server's upload folder).
    """
    path = Path(path)
    try:
        size = _header_size(path, max_pixels)
        if size is not None and size[0] * size[1] > max_pixels:
            raise UnreadableImageError(f"{path}: {size[0]}x{size[1]} is {size[0] * size[1] / 1e6:.1f} megapixels; the app "
                                       f"takes at most {max_pixels / 1e6:g} megapixels, downscale the image first")
        return np.asarray(load_rgb(path))
    except UnreadableImageError as exc:
        raise UnreadableImageError(str(exc).replace(str(path), path.name)) from exc


def classify(models: AppModels, image: np.ndarray) -> tuple[dict[str, float], dict[str, Any] | None]:
    """Class probabilities of the whole image (the run's eval preprocessing), largest first, and its out-of-distribution check.

    Returns:
        The probabilities, and ``score``, ``flag`` (True: unlike the training images), ``threshold``
        and ``pass_rate``; None when the run has no out-of-distribution reference.
    """
    clf = _need(models.classifier, "--classifier RUN")
    probs, scores = clf.predict([Image.fromarray(image)])
    order = np.argsort(-probs[0], kind="stable")
    ood = None
    if clf.ood is not None and scores is not None:
        score = float(scores[0])
        ood = {"score": score, "flag": score > clf.ood.threshold, "threshold": clf.ood.threshold, "pass_rate": clf.ood.pass_rate}
    return {clf.classes[i]: float(probs[0][i]) for i in order}, ood


def grad_cam(models: AppModels, image: np.ndarray, class_name: str, method: str = "gradcam") -> np.ndarray:
    """Grad-CAM of ``class_name`` on the eval crop, mapped onto the whole image: ``(H, W)`` in [0, 1].

    Pixels outside the crop the classifier sees get 0.
    """
    clf = _need(models.classifier, "--classifier RUN")
    x = clf.transform(Image.fromarray(image))[None].to(clf.device).contiguous(memory_format=torch.channels_last)
    # channels_last=False: the RegionClassifier already keeps the model channels_last; the
    # Explainer would otherwise switch it back to contiguous on exit.
    with Explainer(clf.model, method, channels_last=False) as ex:
        cams, _ = ex(x, [clf.classes.index(class_name)])
    return cam_to_image(cams[0], clf.preprocess, *image.shape[:2])


def segment(models: AppModels, image: np.ndarray) -> np.ndarray:
    """Class ids ``(H, W)`` at the image's size."""
    return _need(models.predictor, "--segmenter NAME|RUN").predict([image])[0]


def legend_entries(ids: np.ndarray, seg: LoadedSegmenter) -> list[dict[str, Any]]:
    """Each class present: name, colour and share of the pixels, largest first."""
    classes = seg.classes
    return [{"name": name, "color": tuple(int(v) for v in classes.colors[classes.names.index(name)]), "share": share}
            for name, share in class_shares(ids, classes).items()]


def regions(models: AppModels, image: np.ndarray, ids: np.ndarray) -> tuple[Image.Image, list[dict[str, Any]], int]:
    """The pipeline's step on one image (:func:`visionlab.pipeline.image_regions`): objects of the region classes, each classified.

    Returns:
        The annotated image, one row per region (``box``, ``seg_class``, ``area``, ``label``,
        ``confidence``), and how many regions were under the minimum area.
    """
    region_classes = _need(models.region_classes, "regions (they need --classifier, --segmenter and region classes)")
    result = image_regions(image, ids, region_classes, _need(models.classifier, "--classifier RUN"), models.options)
    return result.annotate(image), result.rows(probabilities=False), result.skipped


@dataclass
class Analysis:
    """Everything the app shows for one image; fields are None when their model is absent."""

    image: np.ndarray
    probabilities: dict[str, float] | None = None
    ood: dict[str, Any] | None = None  # the whole image's out-of-distribution check (see classify); None: no reference
    cam_overlay: np.ndarray | None = None
    explained: str | None = None  # the class the CAM explains (the predicted one)
    seg_overlay: np.ndarray | None = None
    legend: list[dict[str, Any]] | None = None
    annotated: Image.Image | None = None
    regions: list[dict[str, Any]] | None = None
    skipped_small: int = 0
    notes: list[str] = field(default_factory=list)


def analyse(models: AppModels, path: str | Path) -> Analysis:
    """Decode one upload and run every loaded model on it (one request at a time).

    Raises:
        UnreadableImageError: The upload is not a readable image or too large.
    """
    image = read_upload(path)
    out = Analysis(image)
    with models.lock:
        if models.classifier is not None:
            out.probabilities, out.ood = classify(models, image)
            out.explained = next(iter(out.probabilities))
            out.cam_overlay = cam_overlay(image, grad_cam(models, image, out.explained))
        if models.segmenter is not None:
            ids = segment(models, image)
            out.seg_overlay = seg_overlay(image, ids, models.segmenter.classes)
            out.legend = legend_entries(ids, models.segmenter)
            if models.region_classes is not None:
                out.annotated, out.regions, out.skipped_small = regions(models, image, ids)
    out.notes = analysis_notes(models, out)
    return out


def analysis_notes(models: AppModels, result: Analysis) -> list[str]:
    """Plain sentences for the status line: what was found, and which option enables what is missing."""
    notes = []
    if result.probabilities is not None and result.explained is not None:
        notes.append(f"Predicted **{result.explained}** ({result.probabilities[result.explained]:.1%}); "
                     "the Grad-CAM shows where the classifier looked for it. " + ood_sentence(result.ood, result.explained))
    if result.regions is not None and models.region_classes is not None:
        names = "+".join(models.region_classes.values())
        notes.append(f"{len(result.regions)} {names} region(s) of at least {models.options.min_area} px"
                     + (f"; {result.skipped_small} smaller one(s) skipped." if result.skipped_small else "."))
    notes += missing_notes(models)
    return notes


def missing_notes(models: AppModels) -> list[str]:
    """Which start option enables each output that is hidden."""
    notes = []
    if models.classifier is None:
        notes.append("Class probabilities, Grad-CAM and region labels need a classifier: start with `--classifier RUN`.")
    if models.segmenter is None:
        notes.append("The segmentation and the regions need a segmenter: start with `--segmenter NAME|RUN`.")
    if models.pipeline_note:
        notes.append(models.pipeline_note)
    return notes


# --- examples ------------------------------------------------------------------------------------

def make_theme() -> gr.themes.Base:
    """Gradio's default look with system fonts only: nothing to fetch, from a CDN or the app."""
    import gradio as gr
    from gradio.themes.utils.fonts import Font

    return gr.themes.Default(font=[Font(f) for f in SANS], font_mono=[Font(f) for f in MONO])


def _ui_outputs(result: Analysis) -> tuple:
    """Values for the output components, in :func:`build_app`'s order."""
    flag = ood_html(result.ood, result.explained) if result.probabilities is not None else ""
    return (result.image, result.probabilities, flag, result.cam_overlay, result.seg_overlay, legend_html(result.legend),
            result.annotated, regions_html(result.regions), "\n\n".join(result.notes))


def refusal(message: str) -> tuple:
    """Output values for a refused upload: every output cleared, the reason in the status line.

    Clearing matters: results of the previous image must not stay on screen next to the message.
    """
    return None, None, "", None, None, "", None, "", f"**Cannot analyse this file.** {markdown_escape(message)}"


def build_app(classifier: str | Path | None = None, segmenter: str | Path | None = None, examples: list[str | Path] | None = None, *,
              options: PipelineOptions | None = None, cache_dir: Path | None = None) -> gr.Blocks:
    """The web app; models load here, once.

    Args:
        classifier: Classification run folder (class probabilities, Grad-CAM, region labels).
        segmenter: Segmentation run folder, pretrained name or classical baseline (segmentation, regions).
        examples: Example images; None: images listed in the runs' splits if they still exist,
            else game-world scenes rendered into ``cache_dir``.
        options: Pipeline settings (region classes, minimum area, device).
        cache_dir: Where rendered examples go (default ``~/.cache/visionlab/app_examples``).

    Raises:
        ConfigError: Neither model given. DatasetError: A given example file does not exist.
    """
    models = load_models(classifier, segmenter, options)  # before importing Gradio: a bad start fails fast
    _disable_phone_home()
    import gradio as gr

    example_paths = [Path(p) for p in examples] if examples is not None else find_examples(classifier, segmenter, cache_dir)
    missing = [str(p) for p in example_paths if not p.is_file()]
    if missing:
        raise DatasetError(f"example image(s) not found: {', '.join(missing)}")
    has_cls, has_seg, has_regions = models.classifier is not None, models.segmenter is not None, models.region_classes is not None

    class AppBlocks(gr.Blocks):  # defined here: Gradio is imported only once the models have loaded
        """Gradio's Blocks with what the app was built with: its models and example images (the only local files it serves)."""

        def __init__(self, models: AppModels, examples: list[Path], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.visionlab_models = models
            self.visionlab_examples = examples
            self.allowed_paths = sorted({str(p.resolve()) for p in examples})  # read by launch()

    def run(path: str | None) -> tuple:
        if not path:
            return refusal("Upload an image or pick an example first.")
        try:
            return _ui_outputs(analyse(models, path))
        except VisionLabError as exc:
            gr.Warning(str(exc))  # a toast, besides the status line
            return refusal(str(exc))

    with AppBlocks(models, example_paths, title="visionlab", analytics_enabled=False) as demo:
        gr.Markdown("# visionlab\nUpload an image or pick an example, then press **Analyse**.")
        with gr.Row():
            with gr.Column(scale=1):
                upload = gr.File(label="Image", file_types=["image"], type="filepath", elem_id="upload")
                button = gr.Button("Analyse", variant="primary", elem_id="analyse")
                status = gr.Markdown("\n\n".join(missing_notes(models)), elem_id="status")
                shown = gr.Image(label="Input", type="numpy", format="png", interactive=False, elem_id="input-image")
            with gr.Column(scale=2):
                with gr.Row():
                    with gr.Column():
                        probs = gr.Label(label="Class probabilities", num_top_classes=5, visible=has_cls, elem_id="probabilities")
                        ood = gr.HTML(label="Like the training images?", visible=has_cls, elem_id="ood")
                    cam = gr.Image(label="Grad-CAM (predicted class)", type="numpy", format="png", interactive=False, visible=has_cls, elem_id="cam")
                with gr.Row():
                    seg = gr.Image(label="Segmentation", type="numpy", format="png", interactive=False, visible=has_seg, elem_id="segmentation")
                    legend = gr.HTML(label="Legend", visible=has_seg, elem_id="legend")
                with gr.Row():
                    annotated = gr.Image(label="Regions", type="pil", format="png", interactive=False, visible=has_regions, elem_id="regions-image")
                    table = gr.HTML(label="Regions", visible=has_regions, elem_id="regions")
        outputs = [shown, probs, ood, cam, seg, legend, annotated, table, status]
        # Every event that runs a model joins one concurrency group (Gradio gives each listener its own otherwise).
        model_queue: dict[str, Any] = {"concurrency_id": MODEL_QUEUE, "concurrency_limit": QUEUE_CONCURRENCY}
        button.click(run, inputs=upload, outputs=outputs, api_name="analyse", **model_queue)
        if example_paths:
            picked = gr.Examples([[str(p)] for p in example_paths], inputs=upload, label="Examples", elem_id="examples", cache_examples=False)
            # An example runs at once: its click fills the upload (no model), then the analysis joins the model queue.
            picked.load_input_event.then(run, inputs=upload, outputs=outputs, api_name="analyse_example", api_visibility="undocumented",
                                         **model_queue)
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int | None = None, share: bool = False, block: bool = True,
           quiet: bool = False, max_file_size: str | int = MAX_UPLOAD_BYTES) -> str:
    """Serve an app from :func:`build_app`; returns its local URL (``block=False``: serve from a thread and return at once).

    Gradio may serve the app's example images and no other local file, and refuses uploads over
    ``max_file_size`` (bytes, or a string such as ``"50mb"``) before they reach the app.

    Raises:
        ConfigError: The port is not free.
    """
    _disable_phone_home()
    _quiet_gradio_internals()
    try:
        _, url, _ = demo.launch(
            server_name=host, server_port=port, share=share, prevent_thread_lock=not block, quiet=quiet, theme=make_theme(),
            allowed_paths=demo.allowed_paths, max_file_size=max_file_size, ssr_mode=False, mcp_server=False, pwa=False,
            enable_monitoring=False, run_history=False, footer_links=["api"], show_error=False,
        )
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}:{port}: {exc}; choose another --port") from exc
    return url
