"""Ukrainian translations of the "Control questions" section and of the training and cam-layers studies' texts."""

_SETUP = ("Голова замороженої {backbone} на {size} px, навчена на кешованих ознаках {n_train} тренувальних зображень і перевірена "
          "на {n_val} (валідаційні зображення завжди без змін), {epochs} епох на варіант; ознаки обчислено один раз за {feature_s} с.")
_SETUP_EN = ("The head of a frozen {backbone} at {size} px, trained on cached features of {n_train} training images and validated "
             "on {n_val} (validation images always plain), {epochs} epochs per arm; the features took {feature_s} s once.")

CATALOGUE: dict[str, str] = {
    # the section
    "Each question of the lab manual below is answered by an experiment on this lab's data: a table of what was measured, its plot, "
    "and one sentence restating the outcome.":
        "На кожне запитання методички нижче відповідає експеримент на даних цієї роботи: таблиця виміряного, графік і одне речення, "
        "що переказує результат.",
    "{study}: study.json, measured in {seconds} s.": "{study}: study.json, виміряно за {seconds} с.",
    "freezing": "заморожування", "batch-size": "розмір батча",
    "cam-layers": "шари Grad-CAM", "class-visualisation": "візуалізація класу", "adversarial": "змагальні приклади",
    # plot captions
    "validation accuracy of each arm": "валідаційна точність кожного варіанта",
    "learning curve: validation accuracy against training images per class":
        "крива навчання: валідаційна точність залежно від кількості тренувальних зображень на клас",
    "accuracy per epoch of each arm": "точність за епохами для кожного варіанта",
    "learning rate and accuracy per epoch": "швидкість навчання і точність за епохами",
    "training loss and accuracy per epoch": "втрати на тренуванні і точність за епохами",
    "one image's Grad-CAM at every stage": "Grad-CAM одного зображення на кожному етапі",
    "the input that maximises each class's score": "вхід, що максимізує оцінку кожного класу",
    "accuracy against epsilon": "точність залежно від епсилон",
    "image, perturbation (made visible) and adversarial image": "зображення, збурення (зроблене видимим) і змагальне зображення",
    "Grad-CAM before and after the attack": "Grad-CAM до і після атаки",
    # table words
    "arm": "варіант", "trainable parameters": "параметри, що навчаються", "total parameters": "усього параметрів",
    "validation accuracy": "валідаційна точність", "F1 macro": "F1 макро",
    "frozen": "заморожена", "full": "повне навчання", "scratch": "з нуля", "ImageNet": "ImageNet",
    "dropout": "dropout", "early stopping (patience)": "рання зупинка (терпіння)", "train accuracy": "тренувальна точність",
    "train - validation": "тренувальна - валідаційна", "all three": "усі три", "no": "ні", "yes": "так",
    "last learning rate": "остання швидкість навчання", "last training loss": "останні втрати на тренуванні",
    "best validation accuracy": "найкраща валідаційна точність", "last validation accuracy": "остання валідаційна точність",
    "StepLR": "StepLR", "cosine": "косинусний", "updates": "оновлення",
    "layer": "шар", "CAM resolution": "роздільність CAM", "stride": "крок", "CAM mass / object area": "маса CAM / площа об'єкта",
    "confidence, top 20% removed": "впевненість без 20% найважливіших пікселів", "deletion AUC": "AUC видалення",

    # freezing
    "Frozen reached validation accuracy {frozen} in {frozen_s} s training {frozen_p} parameters; full training {full} ({full_p} parameters); "
    "fine-tuning {finetune}; from scratch {scratch}. With {small} images per class the pretrained features gave {pre_small} against "
    "{scratch_small} from scratch.":
        "Заморожена мережа досягла валідаційної точності {frozen} за {frozen_s} с, навчаючи {frozen_p} параметрів; повне навчання — {full} "
        "({full_p} параметрів); донавчання — {finetune}; з нуля — {scratch}. З {small} зображеннями на клас попередньо навчені ознаки дали "
        "{pre_small} проти {scratch_small} з нуля.",
    "{backbone} at {size} px on {n_train} training and {n_val} validation images; the arms that train backbone layers had {budget} s each "
    "(at most {epochs} epochs); the frozen head trained {head_epochs} epochs on cached features.":
        "{backbone} на {size} px, {n_train} тренувальних і {n_val} валідаційних зображень; варіанти, що навчають шари backbone, мали по "
        "{budget} с (не більше {epochs} епох); голова замороженої мережі навчалася {head_epochs} епох на кешованих ознаках.",
    # augmentation
    "Augmentation ({views} views) changed the train-minus-validation gap from {gap_none} to {gap_aug} and validation accuracy from "
    "{acc_none} to {acc_aug}; dropout 0.3 gave gap {gap_drop} and accuracy {acc_drop}; early stopping ended after {es_epochs} of "
    "{epochs} epochs at accuracy {acc_es}.":
        "Аугментація ({views} варіантів) змінила різницю тренувальної і валідаційної точності з {gap_none} на {gap_aug}, а валідаційну "
        "точність — з {acc_none} на {acc_aug}; dropout 0.3 дав різницю {gap_drop} і точність {acc_drop}; рання зупинка завершила навчання "
        "після {es_epochs} з {epochs} епох з точністю {acc_es}.",
    _SETUP_EN + " Augmentation: random resized crop, flip, colour jitter and rotation, as {views} cached views per image.":
        _SETUP + " Аугментація: випадкове кадрування зі зміною розміру, віддзеркалення, зміна кольорів і поворот, {views} кешованих "
                 "варіантів кожного зображення.",
    # schedule
    "From learning rate {lr}, StepLR ended at validation accuracy {step}, cosine at {cosine} and a constant rate at {constant}; final "
    "training loss {loss_step}, {loss_cosine} and {loss_constant}.":
        "Зі швидкості навчання {lr} StepLR завершив із валідаційною точністю {step}, косинусний розклад — {cosine}, стала швидкість — "
        "{constant}; останні втрати на тренуванні {loss_step}, {loss_cosine} і {loss_constant}.",
    _SETUP_EN + " StepLR multiplies the rate by 0.1 every {step} epochs; cosine decays it to 0 over the run.":
        _SETUP + " StepLR множить швидкість на 0.1 кожні {step} епох; косинусний розклад зменшує її до 0 за весь запуск.",
    # batch size
    "Batch 8 made {updates_8} updates and reached validation accuracy {acc_8} in {s_8} s; batch 64 made {updates_64} updates and "
    "reached {acc_64} in {s_64} s.":
        "Батч 8 зробив {updates_8} оновлень і досяг валідаційної точності {acc_8} за {s_8} с; батч 64 зробив {updates_64} оновлень і "
        "досяг {acc_64} за {s_64} с.",
    _SETUP_EN + " The learning rate ({lr}) is the same for every batch size.":
        _SETUP + " Швидкість навчання ({lr}) однакова для всіх розмірів батча.",
    # cam-layers
    "The last stage's map is {res_last} (stride {stride_last}) against {res_first} at the first; its mass inside the object was "
    "{ratio_last}x the object's area ({ratio_first}x at the first stage, best {ratio_best}x at stage {best}); deleting its top pixels "
    "first lowered confidence with AUC {del_last} (random order {del_rand}).":
        "Карта останньої стадії має розмір {res_last} (крок {stride_last}) проти {res_first} на першій; її маса всередині об'єкта "
        "становила {ratio_last}x площі об'єкта ({ratio_first}x на першій стадії, найбільше {ratio_best}x на стадії {best}); видалення "
        "її найважливіших пікселів першими знижувало впевненість з AUC {del_last} (випадковий порядок {del_rand}).",
    "The last stage's map is {res_last} (stride {stride_last}) against {res_first} at the first; deleting its top pixels first lowered "
    "confidence with AUC {del_last} (random order {del_rand}; lower is more faithful), best AUC {del_best} at stage {best}; the images "
    "have no object masks, so mass inside the object is not measured.":
        "Карта останньої стадії має розмір {res_last} (крок {stride_last}) проти {res_first} на першій; видалення її найважливіших "
        "пікселів першими знижувало впевненість з AUC {del_last} (випадковий порядок {del_rand}; менше — вірніше), найкраще AUC "
        "{del_best} на стадії {best}; зображення не мають масок об'єктів, тож масу всередині об'єкта не виміряно.",
    "Grad-CAM of the predicted class at each of {n} stages of {backbone} ({images} validation images; deletion curves on {curves}).":
        "Grad-CAM передбаченого класу на кожній з {n} стадій {backbone} ({images} валідаційних зображень; криві видалення на {curves}).",
}
