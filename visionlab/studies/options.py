"""The settings of ``visionlab study`` and the control questions each study answers.

Torch-free, like every options module: the command line builds its options from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STUDY_NAMES = ("freezing", "augmentation", "schedule", "batch-size", "cam-layers", "class-visualisation", "adversarial")


@dataclass(frozen=True)
class Question:
    """A control question of the lab manual (or a demonstration of the transfer-learning lesson) that a study answers."""

    label: str  # "Q20, Q4" (the manual's numbering) or "lesson 001"
    en: str
    uk: str


# The questions in our own words, in both report languages.
QUESTIONS: dict[str, Question] = {
    "freezing": Question("Q20, Q4", "How does training with frozen layers differ from training the whole network, and why does transfer "
                                    "learning help when there are few images?",
                         "Чим навчання із замороженими шарами відрізняється від навчання всієї мережі, і чому перенесення навчання "
                         "допомагає, коли зображень мало?"),
    "augmentation": Question("Q6, Q13, Q15", "What does data augmentation change, which measures against overfitting work here, and why do "
                                             "training and validation images get different transforms?",
                             "Що змінює аугментація даних, які засоби проти перенавчання тут діють, і чому тренувальні та валідаційні "
                             "зображення перетворюються по-різному?"),
    "schedule": Question("Q14", "What does a learning-rate schedule do to training?",
                         "Що дає навчанню розклад швидкості навчання (learning rate scheduler)?"),
    "batch-size": Question("Q16", "How does the batch size affect training?", "Як розмір батча впливає на навчання?"),
    "cam-layers": Question("Q8", "Why is Grad-CAM taken at the last convolutional layer, and what happens at earlier layers?",
                           "Чому Grad-CAM беруть з останнього згорткового шару, і що буде на ранніших шарах?"),
    "class-visualisation": Question("lesson 001", "What does a class look like to the network: which input maximises its score?",
                                    "Який вигляд має клас для мережі: який вхід максимізує його оцінку?"),
    "adversarial": Question("lesson 001", "How small a change of the input fools the network (adversarial examples)?",
                            "Наскільки мала зміна входу вводить мережу в оману (змагальні приклади)?"),
}


@dataclass
class StudyOptions:
    """Settings of one ``visionlab study`` call (saved in ``study.json``)."""

    run: str | None = field(default=None, metadata={  # its model for cam-layers, class-visualisation, adversarial; its split for every study
        "help": "a classification run trained on DATA (visionlab train classify): the studies use its split and, where they study a "
                "trained model, its model; default: the studies split DATA and train a frozen classifier in OUT/classifier"})
    backbone: str = field(default="efficientnet_lite0", metadata={"help": "registered classifier (see `visionlab models`)"})
    weights: str = field(default="DEFAULT", metadata={"help": "weights entry name, DEFAULT, or none"})
    img_size: int | None = field(default=None, metadata={"help": "input size in pixels (default: the weights entry's)"})
    crop_pct: float | None = field(default=None, metadata={"help": "share of the resized image the centre crop keeps (default: the "
                                                                   "weights entry's; 1: the whole image)"})
    epochs: int = field(default=30, metadata={"help": "epochs of the head on cached features (the frozen arms)"})
    lr: float = field(default=3e-3, metadata={"help": "learning rate of the head (and of the trained backbone, x0.1)"})
    batch_size: int = field(default=32, metadata={"help": "mini-batch size (batch-size varies it)"})
    arm_seconds: float = field(default=45.0, metadata={"help": "freezing: the time budget of each arm that trains backbone layers, "
                                                               "in seconds (the same for every arm)"})
    arm_img_size: int = field(default=128, metadata={"help": "freezing: input size of every arm, in pixels (below the backbone's usual "
                                                             "size so that the arms that train the backbone run several epochs in their budget)"})
    arm_epochs: int = field(default=30, metadata={"help": "freezing: most epochs of an arm that trains backbone layers (its budget usually "
                                                          "stops it first)"})
    curve_seconds: float = field(default=15.0, metadata={"help": "freezing: the time budget of each from-scratch point of the learning "
                                                                 "curve, in seconds"})
    curve_sizes: tuple[int, ...] = field(default=(5, 10, 20, 50, 0), metadata={
        "help": "freezing: training images per class for the learning curve (0: all)"})
    views: int = field(default=4, metadata={"help": "augmentation: cached augmented views per training image (with augmentation)"})
    images: int = field(default=24, metadata={"help": "cam-layers, adversarial: validation images studied"})
    steps: int = field(default=200, metadata={"help": "class-visualisation: gradient-ascent steps per class"})
    epsilons: tuple[float, ...] = field(default=(0.0, 0.5, 1.0, 2.0, 4.0, 8.0), metadata={
        "help": "adversarial: perturbation sizes, in 1/255 of the pixel range"})
    val_fraction: float = field(default=0.2, metadata={"help": "validation share when DATA is not pre-split and no --run is given"})
    seed: int = field(default=0, metadata={"help": "seed for the split, initialisation and augmentation"})
    download: bool = field(default=False, metadata={"help": "allow downloading pretrained weights that are not cached"})
    quiet: bool = field(default=False, metadata={"help": "no progress output"})
