"""Ukrainian translations of the dataset, model, training and classification sections (see :mod:`visionlab.report.locale.uk`)."""

CATALOGUE: dict[str, str] = {
    # --- counts (three forms: 1, 2-4, 5 and more) ---
    "{n} image|{n} images": "{n} зображення|{n} зображення|{n} зображень",
    "{n} class|{n} classes": "{n} клас|{n} класи|{n} класів",
    "{n} misclassified image|{n} misclassified images":
        "{n} хибно класифіковане зображення|{n} хибно класифіковані зображення|{n} хибно класифікованих зображень",
    # genitive: "з {reference}" and "для {images}" are their only uses
    "{n} training image|{n} training images": "{n} навчального зображення|{n} навчальних зображень|{n} навчальних зображень",
    "{n} validation image|{n} validation images": "{n} валідаційного зображення|{n} валідаційних зображень|{n} валідаційних зображень",
    # --- dataset.py ---
    "{classes} ({names}), {images}: {splits}.": "{classes} ({names}), {images}: {splits}.",
    "{split} {count}": "{split} — {count}",
    "The run split the folder itself: validation share {share}, stratified by class, seed {seed}.":
        "Запуск сам поділив теку: частка валідаційної вибірки {share}, стратифіковано за класами, зерно {seed}.",
    "The run split a validation share of {share} off the given train folder (stratified, seed {seed}).":
        "Запуск відділив від заданої навчальної теки валідаційну частку {share} (стратифіковано, зерно {seed}).",
    "class": "клас",
    "total": "разом",
    "all": "усі",
    "Images per class and split (from the run's config.json).": "Кількість зображень за класами й вибірками (з config.json запуску).",
    "Samples per class": "Приклади зображень кожного класу",
    "{cls}: {shown} of {total} training images": "{cls}: {shown} з {total} навчальних зображень",
    "{image}: the original and {n} draws of the training augmentation (torch seed {seed})":
        "{image}: оригінал і {n} варіантів навчальної аугментації (зерно torch {seed})",
    "RandomResizedCrop to {crop} px (area share {area}–1)": "RandomResizedCrop до {crop} px (частка площі {area}–1)",
    "horizontal flip with probability 0.5": "горизонтальне віддзеркалення з імовірністю 0.5",
    "no flip": "без віддзеркалення",
    "colour jitter {jitter} (brightness, contrast, saturation)": "зміна кольору {jitter} (яскравість, контраст, насиченість)",
    "no colour jitter": "без зміни кольору",
    "rotation up to ±{rotation}°": "поворот до ±{rotation}°",
    "no rotation": "без повороту",
    "normalization mean {mean}, std {std}": "нормалізація: середнє {mean}, стандартне відхилення {std}",
    "Augmentation preview": "Приклад аугментації",
    "Training augmentation of the run: {steps}. Validation images are resized to {resize} px (short side) and centre-cropped to "
    "{crop} px.":
        "Навчальна аугментація запуску: {steps}. Валідаційні зображення масштабуються до {resize} px (коротша сторона) й обрізаються "
        "по центру до {crop} px.",
    "In this run (mode frozen, feature_views 1) the head trained on features of the unaugmented training images, cached once; the "
    "augmentation above was not applied during training.":
        "У цьому запуску (режим frozen, feature_views 1) голова навчалась на ознаках неаугментованих навчальних зображень, обчислених "
        "один раз; аугментацію вище під час навчання не застосовано.",
    "In this run (mode partial, feature_views 1) the top stages trained on activations of the unaugmented training images, cached "
    "once and shifted at random; the augmentation above was not applied during training.":
        "У цьому запуску (режим partial, feature_views 1) верхні блоки навчались на активаціях неаугментованих навчальних зображень, "
        "обчислених один раз і випадково зсунутих; аугментацію вище під час навчання не застосовано.",
    "In this run (mode {mode}, feature_views {views}) each training image had {n} augmented view(s) besides the unaugmented one, "
    "cached once.":
        "У цьому запуску (режим {mode}, feature_views {views}) кожне навчальне зображення мало, крім неаугментованого, ще "
        "аугментованих варіантів: {n}; їхні ознаки обчислено один раз.",
    # --- classify.py: the model ---
    "backbone": "базова мережа (backbone)",
    "mode": "режим",
    "weights": "ваги",
    "head": "голова",
    "input": "вхід",
    "normalization": "нормалізація",
    "parameters (trainable / total)": "параметри (треновані / усього)",
    "parameters of the head": "параметри голови",
    "frozen: the pretrained backbone is fixed, only the new head trains":
        "frozen: попередньо натреновану базову мережу заморожено, навчається лише нова голова",
    "partial: the top backbone stages and the head fine-tune on cached activations of the frozen stages below":
        "partial: верхні блоки базової мережі й голова донавчаються на збережених активаціях заморожених нижніх блоків",
    "top stages": "верхні блоки",
    "the top {top} stages at {factor} × the learning rate, on cached activations shifted by up to {shift} cell(s)":
        "верхні блоки (кількість: {top}) зі швидкістю навчання × {factor}, на збережених активаціях, зсунутих щонайбільше на {shift} "
        "клітинку(-и)",
    "not applied: the frozen stages' activations were computed once from the plain images (feature_views: 1); feature_views: N "
    "caches N-1 augmented views":
        "не застосовується: активації заморожених блоків обчислено один раз за неаугментованими зображеннями (feature_views: 1); "
        "feature_views: N зберігає N-1 аугментованих варіантів",
    "finetune: the head trains first, then the top backbone stages at a lower learning rate":
        "finetune: спершу навчається голова, потім верхні блоки базової мережі з меншою швидкістю навчання",
    "full: every parameter trains": "full: навчаються всі параметри",
    "resize short side to {resize} px, centre crop {crop} px ({interpolation})":
        "масштабування коротшої сторони до {resize} px, обрізання по центру до {crop} px ({interpolation})",
    "mean {mean}, std {std}": "середнє {mean}, стандартне відхилення {std}",
    "Classifier {backbone} ({mode}): {trainable} of {total} parameters trainable ({share}%).":
        "Класифікатор {backbone} ({mode}): треновані параметри — {trainable} з {total} ({share}%).",
    "The classifier (config.json of the run; counts from its best checkpoint).":
        "Класифікатор (config.json запуску; кількості — з його найкращої контрольної точки).",
    "Training settings": "Налаштування навчання",
    "setting": "параметр",
    "epochs": "епохи",
    "batch size": "розмір батча",
    "optimizer": "оптимізатор",
    "Adam, learning rate {lr}, weight decay {wd}": "Adam, швидкість навчання {lr}, згасання ваг {wd}",
    "schedule": "розклад швидкості навчання",
    "StepLR (step {step} epochs, gamma {gamma})": "StepLR (крок у епохах: {step}, gamma {gamma})",
    "cosine annealing over {epochs} epochs": "косинусне згасання (епох: {epochs})",
    "constant": "стала",
    "early stopping": "рання зупинка",
    "after {patience} epochs without improvement": "після епох без покращення: {patience}",
    "off": "вимкнено",
    "loss": "функція втрат",
    "cross-entropy": "перехресна ентропія",
    "validation share": "частка валідаційної вибірки",
    "seed": "зерно",
    "finetune": "донавчання",
    "head alone for {head} epoch(s), then the top {top} stages at {factor} × the learning rate":
        "спершу лише голова (епох: {head}), потім верхні блоки (кількість: {top}) зі швидкістю навчання × {factor}",
    "feature views": "варіанти ознак (feature views)",
    "augmentation": "аугментація",
    "autocast": "autocast",
    "versions": "версії",
    "random resized crop (area >= {area}), {flip}colour jitter {jitter}, rotation up to {rotation} degrees":
        "випадкове обрізання з масштабуванням (площа >= {area}), {flip}зміна кольору {jitter}, поворот до {rotation} градусів",
    "horizontal flip, ": "горизонтальне віддзеркалення, ",
    "applied to every training image in every epoch: {what}": "застосовується до кожного навчального зображення в кожній епосі: {what}",
    "not applied: the frozen backbone's features were computed once from the plain images (feature_views: 1); feature_views: N "
    "caches N-1 augmented views":
        "не застосовується: ознаки замороженої базової мережі обчислено один раз із неаугментованих зображень (feature_views: 1); "
        "feature_views: N зберігає N-1 аугментованих варіантів",
    "applied through {n} cached augmented views ({what}); epoch k trains on view k mod {views}, view 0 being the plain images":
        "застосовується через збережені аугментовані варіанти, {n} ({what}); епоха k навчається на варіанті k mod {views}, варіант 0 "
        "— неаугментовані зображення",
    # --- classify.py: training ---
    "Loss and accuracy per epoch (plots/curves.png).": "Втрати й точність за епохами (plots/curves.png).",
    "epochs run": "виконано епох",
    "{run} of {planned}": "{run} з {planned}",
    "best epoch (kept as best.safetensors)": "найкраща епоха (збережена як best.safetensors)",
    "validation accuracy at the best epoch": "точність на валідаційній вибірці в найкращій епосі",
    "validation loss at the best epoch": "втрати на валідаційній вибірці в найкращій епосі",
    "last epoch: train / validation accuracy": "остання епоха: точність на навчальній / валідаційній вибірці",
    "last epoch: train / validation loss": "остання епоха: втрати на навчальній / валідаційній вибірці",
    "training time (sum of epochs)": "час навчання (сума за епохами)",
    "Best validation accuracy {acc} at epoch {epoch} of {epochs}.":
        "Найвища точність на валідаційній вибірці — {acc}, в епосі {epoch} з {epochs}.",
    "best validation accuracy during training": "найвища точність на валідаційній вибірці під час навчання",
    "Last epoch: train accuracy {train}, validation accuracy {val} (train minus validation {gap}).":
        "Остання епоха: точність на навчальній вибірці {train}, на валідаційній {val} (різниця навчальна мінус валідаційна {gap}).",
    "Early stopping (patience {patience}) ended training after {run} of {planned} epochs.":
        "Рання зупинка (терпіння {patience}) завершила навчання після {run} з {planned} епох.",
    "Summary of history.csv.": "Підсумок history.csv.",
    "Every epoch (history.csv)": "Усі епохи (history.csv)",
    # --- classify.py: results ---
    "{n}th": "{n}-го",
    "Out-of-distribution flag: an image is flagged as unlike the training images when the cosine distance of its pooled backbone "
    "features to its {k} nearest of {reference} exceeds {threshold}, the threshold set so that {rate} of the validation images pass; "
    "{share} of {n_val} pass (ood.json).":
        "Позначка «поза розподілом»: зображення позначається як несхоже на навчальні, коли косинусна відстань його усереднених ознак "
        "базової мережі до {k} найближчого з {reference} перевищує {threshold}; поріг вибрано так, щоб його проходили {rate} "
        "валідаційних зображень; проходять {share} з {n_val} (ood.json).",
    "Colour shortcut check: a logistic regression on each image's colour histogram, fitted on {n_train} training images, "
    "scores {histogram} on {n_val} validation images (on brightness and channel statistics {stats}; chance {chance}) "
    "(shortcut.json).":
        "Перевірка кольорового «короткого шляху»: логістична регресія на гістограмі кольорів кожного зображення, навчена на "
        "{n_train} навчальних зображеннях, дає {histogram} на {n_val} валідаційних (на яскравості й статистиках каналів {stats}; "
        "випадкове вгадування {chance}) (shortcut.json).",
    "From {strong} colour alone tells these classes apart: unless colour is what defines them, the classifier's "
    "accuracy may rest on it. Check where Grad-CAM looks, and add images whose colours cross the classes.":
        "Від {strong} самі лише кольори розрізняють ці класи: якщо класи визначає не колір, точність класифікатора може "
        "триматися на ньому. Перевірте, куди дивиться Grad-CAM, і додайте зображення, кольори яких перетинають класи.",
    "{image}: predicted {label} ({confidence}), true {truth}": "{image}: передбачено {label} ({confidence}), насправді {truth}",
    "; top: {top}": "; найімовірніші: {top}",
    "; flagged: unlike the training images": "; позначено: несхоже на навчальні зображення",
    "Predictions on sample images": "Передбачення на прикладах зображень",
    "The classifier's predictions on {images} (predictions_sample.csv).": "Передбачення класифікатора для {images} (predictions_sample.csv).",
    "{split} accuracy {acc} on {images}; {wrong} misclassified.":
        "{split} вибірка: точність {acc} ({images}); хибно класифіковано: {wrong}.",
    "{split} accuracy {acc} on {images} (ROC AUC {auc}); {wrong} misclassified.":
        "{split} вибірка: точність {acc} ({images}; ROC AUC {auc}); хибно класифіковано: {wrong}.",
    "{split} accuracy": "{split} вибірка: точність",
    "{split} F1 (macro)": "{split} вибірка: F1 макро",
    "{split} split": "{split} вибірка",
    "metric": "метрика",
    "accuracy": "точність",
    "precision / recall / F1 (macro)": "влучність / повнота / F1 (макро)",
    "precision / recall / F1 (weighted)": "влучність / повнота / F1 (зважені)",
    "ROC AUC": "ROC AUC",
    "ROC AUC ({kind})": "ROC AUC ({kind})",
    "binary": "бінарна",
    "macro one-vs-rest": "макро, один проти решти",
    "misclassified images": "хибно класифіковані зображення",
    "precision": "влучність",
    "recall": "повнота",
    "support": "кількість",
    "Per class.": "За класами.",
    "true \\ predicted": "справжній \\ передбачений",
    "Confusion matrix (counts): rows are the true classes, columns the predicted ones.":
        "Матриця помилок (кількості): рядки — справжні класи, стовпці — передбачені.",
    "Confusion matrix ({split})": "Матриця помилок ({split} вибірка)",
    "ROC curve ({split})": "ROC-крива ({split} вибірка)",
    "No misclassified image in the {split} split.": "Хибно класифікованих зображень немає ({split} вибірка).",
    "Most confident {split} mistake: {path}, a {true} predicted as {pred} with confidence {confidence}.":
        "Найвпевненіша помилка ({split} вибірка): {path}, клас {true} передбачено як {pred} із впевненістю {confidence}.",
    "The most confident mistakes ({split}).": "Найвпевненіші помилки ({split} вибірка).",
    "Worst mistakes ({split})": "Найгірші помилки ({split} вибірка)",
    "image": "зображення",
    "true": "справжній",
    "predicted": "передбачений",
    "confidence": "впевненість",
    "The {images} with the highest confidence in the wrong class (of {listed} listed).":
        "{images} з найвищою впевненістю в хибному класі (з {listed} перелічених).",
    "The {images} with the highest confidence in the wrong class.": "{images} з найвищою впевненістю в хибному класі.",
}
