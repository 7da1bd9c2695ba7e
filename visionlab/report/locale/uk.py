"""Ukrainian translations of the report's templates (see :mod:`visionlab.report.i18n`): the page, the header and the opening sections.

The other parts are in ``uk_classify.py`` (dataset, model, training, classification), ``uk_cam.py``
(Grad-CAM and the comparison) and ``uk_seg.py`` (segmentation, pipeline, walkmaps, distillation).
Terms follow the usual Ukrainian of the field: точність, влучність (precision), повнота (recall),
матриця помилок, теплова карта, сегментація, валідаційна / тестова вибірка, епоха.

A split's name is put into templates as an adjective (``валідаційна``), so the templates say
``вибірка`` themselves. A plural template gives three forms, ``|``-separated (1, 2-4, 5 and more); the
forms of ``{n} training image`` and ``{n} validation image`` are genitive, the case their only
sentences need.
"""

# The stages a skipped stage can be waiting for (the lab plan's "needs the STAGE stage" sentences).
_PREREQUISITES = ("classify", "segment")

CATALOGUE: dict[str, str] = {
    # --- section titles (visionlab.report.sections.SECTIONS) ---
    "Topic and aim": "Тема та мета роботи",
    "Problem statement": "Постановка завдання",
    "Dataset": "Набір даних",
    "Classification model": "Модель класифікації",
    "Training": "Навчання моделі",
    "Classification results": "Результати класифікації",
    "Grad-CAM": "Теплові карти Grad-CAM",
    "Semantic segmentation": "Семантична сегментація",
    "Grad-CAM versus segmentation": "Порівняння Grad-CAM і сегментації",
    "Segment-then-classify pipeline": "Комбінований конвеєр «сегментація + класифікація»",
    "Walkmaps": "Карти прохідності",
    "Distillation": "Дистиляція",
    "Control questions": "Контрольні питання",
    "Results": "Результати роботи",
    "Conclusions": "Висновки",
    # --- the page (html.py, markdown.py) ---
    "Lab report: {variant}": "Звіт з лабораторної роботи: {variant}",
    "Contents": "Зміст",
    "(not run)": "(не виконано)",
    "Written by visionlab report from the files of this lab folder.": "Звіт складено командою visionlab report з файлів цієї теки роботи.",
    "n/a": "н/д",
    "{seconds} s": "{seconds} с",
    "none": "немає",
    # --- header.py ---
    "variant": "варіант",
    "classes": "класи",
    "started": "початок",
    "total time": "загальний час",
    "machine": "комп'ютер",
    "platform": "платформа",
    "processor": "процесор",
    "device": "пристрій",
    "threads": "потоки",
    "torch": "torch",
    "n/a (the lab did not finish)": "н/д (роботу не завершено)",
    "{number} of the manual: {title}; {name}": "{number} з методичних вказівок: {title}; {name}",
    "stage": "етап",
    "seconds": "секунди",
    "Stages that ran, in order, with their wall-clock time.": "Виконані етапи в порядку виконання та їхній фактичний час.",
    "Lab configuration (as resolved by the lab runner)": "Конфігурація роботи (у тому вигляді, як її розгорнув запуск роботи)",
    # --- provenance.py ---
    "Where the numbers come from": "Звідки взято числа",
    "Every score below refers to these images and models.": "Усі оцінки нижче стосуються цих зображень і моделей.",
    "images": "зображення",
    "classifier": "класифікатор",
    "classification ground truth": "еталон для класифікації",
    "Grad-CAM ground truth": "еталон для Grad-CAM",
    "segmenter": "модель сегментації",
    "segmentation ground truth": "еталон для сегментації",
    "pipeline ground truth": "еталон для конвеєра",
    "game-world scenes rendered offline from seed {seed} ({n} scenes, {size} px)":
        "сцени ігрового світу, згенеровані офлайн із зерна {seed} (сцен: {n}, {size} px)",
    "a web image search: {queries}": "пошук зображень в інтернеті: {queries}",
    "your images in {folder}": "ваші зображення в {folder}",
    "{backbone} ({mode}), weights {weights}, trained here on the training split":
        "{backbone} ({mode}), ваги {weights}, натренований тут на навчальній вибірці",
    "the class folders the images came in; scores on the validation split":
        "теки класів, у яких надійшли зображення; оцінки на валідаційній вибірці",
    "no region: the concept of variant {number} is the whole image; measures that need none (the classifier's confidence as the "
    "CAM's pixels are removed or kept)":
        "області немає: поняття варіанта {number} — усе зображення; лише міри, яким маска не потрібна (впевненість класифікатора, "
        "коли пікселі CAM видаляють або залишають)",
    "the generator's object masks (mask measures) and the classifier itself (perturbation measures)":
        "маски об'єктів від генератора (міри за маскою) і сам класифікатор (міри зі збуренням)",
    "no masks: measures that need none (the classifier's confidence as the CAM's pixels are removed or kept)":
        "масок немає: лише міри, яким маска не потрібна (впевненість класифікатора, коли пікселі CAM видаляють або залишають)",
    "trained here on rendered game-world scenes and their masks": "натренована тут на згенерованих сценах ігрового світу та їхніх масках",
    "trained here on the mask dataset {data}": "натренована тут на наборі масок {data}",
    "{name}, pretrained as published (Pascal VOC classes); not trained on these images":
        "{name}, попередньо натренована, як її опубліковано (класи Pascal VOC); на цих зображеннях не навчалась",
    "the generator's pixel masks (held-out test scenes)": "піксельні маски генератора (відкладені тестові сцени)",
    "the mask dataset's held-out split": "відкладена вибірка набору масок",
    "none for these images: the segmenter is not scored here": "для цих зображень немає: модель сегментації тут не оцінюється",
    "the true character instances of new game-world scenes": "справжні екземпляри персонажів у нових сценах ігрового світу",
    "none: the pipeline's counts, labels and confidences are reported without a score":
        "немає: кількості, мітки та впевненості конвеєра подано без оцінки",
    "stage skipped": "пропущений етап",
    "why": "чому",
    "to run it": "як його виконати",
    "Stages the lab could not run meaningfully on this data or machine.":
        "Етапи, які на цих даних чи на цьому комп'ютері не мали сенсу або не могли виконатися.",
    "Skipped: {reason}. To run it: {fix}.": "Пропущено: {reason}. Щоб виконати: {fix}.",
    # the lab plan's reasons and fixes (visionlab.lab.plan) that carry no numbers or file names
    "the experiment trains a segmenter twice (pretrained encoder vs from scratch) on masks, and this lab uses a pretrained segmenter "
    "without masks":
        "експеримент двічі тренує модель сегментації на масках (попередньо натренований кодер проти навчання з нуля), а ця робота "
        "використовує попередньо натреновану модель сегментації без масок",
    "give a mask dataset (segment.data: FOLDER with images/ and masks/), or run the lab on the game world":
        "задайте набір масок (segment.data: ТЕКА з images/ і masks/) або виконайте роботу на ігровому світі",
    "walkmaps read side-view game-world scenes with a game-world segmenter; this lab's images are not game scenes":
        "карти прохідності читають сцени ігрового світу збоку за допомогою моделі сегментації ігрового світу; зображення цієї "
        "роботи — не ігрові сцени",
    "run the lab on the game world (data.source: game_world)": "виконайте роботу на ігровому світі (data.source: game_world)",
    "run it on a variant whose scenes are side views, or give pipeline.images for the pipeline":
        "виконайте її на варіанті, сцени якого показано збоку, або задайте pipeline.images для конвеєра",
    "name segmentation classes to compare with anyway in compare.concept_classes (e.g. [character])":
        "назвіть класи сегментації для порівняння в compare.concept_classes (наприклад, [character])",
    **{f"needs the {s} stage, which is skipped": f"потребує етапу {s}, який пропущено" for s in _PREREQUISITES},
    **{f"needs the {s} stage, which is not in stages:": f"потребує етапу {s}, якого немає в stages:" for s in _PREREQUISITES},
    **{f"enable the {s} stage (see its reason)": f"увімкніть етап {s} (див. причину його пропуску)" for s in _PREREQUISITES},
    **{f"add {s} to stages:": f"додайте {s} до stages:" for s in _PREREQUISITES},
    # --- common.py ---
    "Not run: the lab manifest lists no {stage} stage. To run it, add {stage} to the {key}: list of the lab config and run "
    "visionlab lab CONFIG again.":
        "Не виконано: у маніфесті роботи немає етапу {stage}. Щоб виконати його, додайте {stage} до списку {key}: у конфігурації "
        "роботи і знову запустіть visionlab lab CONFIG.",
    "Not run: the lab ran no control-question studies. To run them, add a line such as {line} to the lab config and run visionlab "
    "lab CONFIG again.":
        "Не виконано: робота не проводила досліджень для контрольних питань. Щоб провести їх, додайте до конфігурації роботи рядок "
        "на кшталт {line} і знову запустіть visionlab lab CONFIG.",
    "training": "навчальна",
    "validation": "валідаційна",
    "test": "тестова",
    "train": "навчальна",
    "val": "валідаційна",
    "none (random initialisation)": "немає (випадкова ініціалізація)",
    "{name} from {source}": "{name} з {source}",
    "{name} from {source} (ImageNet-1K top-1 {acc}%)": "{name} з {source} (ImageNet-1K top-1 {acc}%)",
    # --- overview.py: topic and aim, problem statement ---
    "Topic: supervised learning in computer vision, from image classification to semantic segmentation, on {variant}: the classes "
    "{a} and {b}.":
        "Тема: навчання з учителем у комп'ютерному зорі, від класифікації зображень до семантичної сегментації, на прикладі: "
        "{variant}; класи {a} і {b}.",
    "Aim: the stages this lab planned, each with what it sets out to do:": "Мета: етапи, заплановані в цій роботі, і що робить кожен із них:",
    "train an image classifier that tells {a} from {b}, and measure it on images it did not train on":
        "натренувати класифікатор зображень, що відрізняє {a} від {b}, і виміряти його якість на зображеннях, яких він не бачив під "
        "час навчання",
    "see where the classifier looks: Grad-CAM heatmaps, measured against the objects and by deleting their pixels":
        "з'ясувати, куди дивиться класифікатор: теплові карти Grad-CAM, виміряні відносно об'єктів і видаленням їхніх пікселів",
    "segment the images pixel by pixel and score the segmenter with IoU":
        "сегментувати зображення попіксельно й оцінити модель сегментації за IoU",
    "compare a segmenter with a pretrained encoder against the same network trained from scratch":
        "порівняти модель сегментації з попередньо натренованим кодером із такою самою мережею, навченою з нуля",
    "compare the classifier's heatmaps with the regions the segmenter finds":
        "порівняти теплові карти класифікатора з областями, які знаходить модель сегментації",
    "chain the two models: segment each image, cut out its regions and classify each region":
        "поєднати дві моделі: сегментувати кожне зображення, вирізати його області й класифікувати кожну з них",
    "turn the segmentation of game scenes into maps of the tiles a character can stand on":
        "перетворити сегментацію ігрових сцен на карти клітинок, на яких може стояти персонаж",
    "distil the segmenter into a smaller student and measure its speed and quality against the teacher":
        "дистилювати модель сегментації в меншу модель-учня й виміряти її швидкість і якість порівняно з учителем",
    "answer control questions of the manual with experiments on the same data: {studies}":
        "відповісти на контрольні питання методичних вказівок експериментами на тих самих даних: {studies}",
    "none listed": "не вказано",
    "variant {number} of the manual: {title}": "варіант {number} з методичних вказівок: {title}",
    "{name} (the lab's own variant, not one of the manual's)": "{name} (власний варіант роботи, не з методичних вказівок)",
    "The task: a classifier that assigns every image one of two classes, {a} or {b}, trained and measured on {images}; the other "
    "stages the lab planned build on it and are listed below.":
        "Завдання: класифікатор, що відносить кожне зображення до одного з двох класів, {a} або {b}, натренований і оцінений на "
        "даних: {images}; інші заплановані етапи роботи спираються на нього й наведені нижче.",
    "image folder (data stage)": "тека зображень (етап data)",
    "stages planned": "заплановані етапи",
    "stages run": "виконані етапи",
    "planned but not run (yet)": "заплановані, але (ще) не виконані",
    "skipped: {stage}": "пропущено: {stage}",
    "{reason}; to run it: {fix}": "{reason}; щоб виконати: {fix}",
    "control-question studies": "дослідження для контрольних питань",
    "none (add {line} to the lab config to run them)": "немає (щоб провести їх, додайте {line} до конфігурації роботи)",
    "The problem as lab.json records it (the config and the plan the lab runner made).":
        "Завдання так, як його записано в lab.json (конфігурація і план, складений запуском роботи).",
    # --- results.py ---
    "The headline numbers measured in the sections above, as each section states them; the last column names the section with "
    "the details.":
        "Основні числа, виміряні в розділах вище, так, як їх подає кожен розділ; в останньому стовпці — розділ із подробицями.",
    "measure": "показник",
    "value": "значення",
    "section": "розділ",
    "control-question studies run": "проведено досліджень для контрольних питань",
    "stage {stage}": "етап {stage}",
    "not run": "не виконано",
    "skipped by the plan": "пропущено за планом",
    # --- conclusions.py ---
    "Each line restates a measurement from the sections above.": "Кожен рядок повторює вимірювання з розділів вище.",
    "The lab ran in {seconds} s on {device} with {threads} threads.": "Робота виконувалась {seconds} с на пристрої {device}, потоків: {threads}.",
    "Not run: {sections}.": "Не виконано: {sections}.",
}
