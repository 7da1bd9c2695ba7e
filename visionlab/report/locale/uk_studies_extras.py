"""Ukrainian translations of the class-visualisation and adversarial studies' tables and sentences (see :mod:`visionlab.report.locale.uk`).

Terms: логіт (logit), відрив логіта (logit margin), градієнтний підйом (gradient ascent), повна
варіація (total variation), змагальна атака (adversarial attack), епсилон (the perturbation's radius).
"""

CATALOGUE: dict[str, str] = {
    # --- class_visualisation.py ---
    "class": "клас",
    "logit at start": "логіт на початку",
    "logit at end": "логіт наприкінці",
    "probability at start": "ймовірність на початку",
    "probability at end": "ймовірність наприкінці",
    "probability ratio, end / start": "відношення ймовірностей, кінець / початок",
    "logit margin at start": "відрив логіта на початку",
    "logit margin at end": "відрив логіта наприкінці",
    "ascent steps": "кроки градієнтного підйому",
    "seconds": "секунди",
    "After {steps} steps of gradient ascent on the input, every class's probability was at most {start_max} at the start and "
    "at least {end_min} at the end (end / start ratio at least {ratio_min}); its logit margin over the other classes was at "
    "most {margin_start_max} at the start and at least {margin_end_min} at the end.":
        "Після {steps} кроків градієнтного підйому за вхідним зображенням ймовірність кожного класу становила щонайбільше {start_max} "
        "на початку і щонайменше {end_min} наприкінці (відношення кінець / початок — щонайменше {ratio_min}); відрив його логіта "
        "від інших класів — щонайбільше {margin_start_max} на початку і щонайменше {margin_end_min} наприкінці.",
    "Each class's image starts from the mean colour plus Gaussian noise (standard deviation {noise}) at {size}x{size} pixels and "
    "is changed by Adam (step {lr}) on its pixels to raise the class's logit, with a total variation penalty (weight {tv}), "
    "a random shift of up to {jitter} pixels every step and a Gaussian blur (sigma {sigma}) every {blur} steps; the logit "
    "margin is the class's logit minus the log-sum-exp of the other logits.":
        "Зображення кожного класу розміром {size}x{size} пікселів починається із середнього кольору з гауссовим шумом (стандартне "
        "відхилення {noise}), і оптимізатор Adam (крок {lr}) змінює його пікселі так, щоб зростав логіт класу; регуляризація: штраф "
        "повної варіації (вага {tv}), випадковий зсув до {jitter} пікселів на кожному кроці та гауссове розмиття (сигма {sigma}) "
        "кожні {blur} кроків. Відрив логіта — це логіт класу мінус log-sum-exp логітів інших класів.",
    # --- adversarial.py ---
    "epsilon (1/255)": "епсилон (1/255)",
    "FGSM accuracy": "точність під атакою FGSM",
    "PGD accuracy": "точність під атакою PGD",
    "true-class confidence under FGSM": "впевненість у правильному класі під атакою FGSM",
    "true-class confidence under PGD": "впевненість у правильному класі під атакою PGD",
    "On {n} validation images with clean accuracy {clean}, accuracy at epsilon {eps}/255 was {fgsm} under FGSM and {pgd} "
    "under PGD, with no pixel value changed by more than {linf} of 255 levels.":
        "На {n} зображеннях валідаційної вибірки з точністю {clean} без атаки точність при епсилон {eps}/255 становила {fgsm} під "
        "атакою FGSM і {pgd} під атакою PGD, хоча жодне значення пікселя не змінилося більш ніж на {linf} з 255 рівнів.",
    "{n} validation images ({per_class}) were attacked in pixel space (values in [0, 1], normalised afterwards) within "
    "epsilon of each pixel value: FGSM takes one step of epsilon along the sign of the loss gradient; PGD starts at a random "
    "point within epsilon and takes {steps} signed steps of {factor} x epsilon / {steps}, projected back after each, keeping "
    "each image's highest-loss iterate.":
        "Зображення валідаційної вибірки ({n}; {per_class}) атаковано в просторі пікселів (значення в [0, 1], нормалізація — після "
        "атаки), не відходячи від жодного значення пікселя далі ніж на епсилон: FGSM робить один крок завдовжки епсилон за знаком "
        "градієнта функції втрат; PGD починає з випадкової точки в межах епсилон і робить {steps} кроків за знаком градієнта "
        "завдовжки {factor} x епсилон / {steps}, після кожного повертаючи зображення в ці межі, і для кожного зображення зберігає "
        "ітерацію з найбільшою втратою.",
}
