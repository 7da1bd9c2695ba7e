"""Ukrainian translations of the segmentation, pipeline, walkmap and distillation sections (see :mod:`visionlab.report.locale.uk`)."""

CATALOGUE: dict[str, str] = {
    # --- segment.py ---
    "The segmenter (config.json of the run).": "Модель сегментації (config.json запуску).",
    "architecture": "архітектура",
    "{model} / encoder {encoder}": "{model} / кодер {encoder}",
    "encoder start": "початкові ваги кодера",
    "pretrained: {weights}": "попередньо натренований: {weights}",
    "pretrained": "попередньо натренований",
    "random initialisation (from scratch)": "випадкова ініціалізація (навчання з нуля)",
    "images (train / val / test)": "зображення (навчальна / валідаційна / тестова вибірки)",
    "training input": "вхід під час навчання",
    "random {crop}×{crop} windows of the image at {size}, unscaled; predicted whole at {size}":
        "випадкові вікна {crop}×{crop} із зображення розміром {size}, без масштабування; передбачення на всьому зображенні {size}",
    "training settings": "налаштування навчання",
    "{epochs} epochs, batch {batch}, Adam lr {lr}, {scheduler} schedule, loss {loss}, class weights {weights}":
        "епох: {epochs}, батч {batch}, Adam, швидкість навчання {lr}, розклад {scheduler}, функція втрат {loss}, ваги класів {weights}",
    "Best validation mIoU {miou} at epoch {epoch} of {epochs}.": "Найвищий mIoU на валідаційній вибірці — {miou}, в епосі {epoch} з {epochs}.",
    "Loss, pixel accuracy and mIoU per epoch.": "Втрати, піксельна точність і mIoU за епохами.",
    "Training curves": "Криві навчання",
    "the trained model": "натренованою моделлю",
    "model": "модель",
    "The pretrained segmenter (summary.json of the examples).": "Попередньо натренована модель сегментації (summary.json прикладів).",
    "The lab used this pretrained segmenter without training it and without masks to score it: no mIoU to report.":
        "Робота використала цю попередньо натреновану модель сегментації без навчання й без масок для оцінки: mIoU немає.",
    "segmentation mIoU": "mIoU сегментації",
    "not measured: a pretrained segmenter without masks to score it": "не виміряно: попередньо натренована модель без масок для оцінки",
    "pixel accuracy": "піксельна точність",
    "mean class accuracy": "середня точність за класами",
    "frequency-weighted IoU": "IoU, зважений за частотою класів",
    "Dice (macro)": "Dice (макро)",
    "mean per-image IoU": "середній IoU на зображення",
    "{split} mIoU {miou}, pixel accuracy {acc} on {images}.": "{split} вибірка: mIoU {miou}, піксельна точність {acc} ({images}).",
    "{split} mIoU {miou}, pixel accuracy {acc} on {images}; lowest class IoU: {low} {low_iou}, highest: {high} {high_iou}.":
        "{split} вибірка: mIoU {miou}, піксельна точність {acc} ({images}); найнижчий IoU класу: {low} {low_iou}, найвищий: {high} "
        "{high_iou}.",
    "{split} mIoU": "{split} вибірка: mIoU",
    "share of pixels": "частка пікселів",
    "Classes under {share} of the {split} pixels: {classes}; each one's IoU rests on few pixels and counts in the mIoU as much as a large class's.":
        "Класи, що займають менше ніж {share} пікселів ({split} вибірка): {classes}; IoU кожного з них спирається на мало пікселів, "
        "а в mIoU важить стільки ж, скільки IoU великого класу.",
    "{split} pixel accuracy": "{split} вибірка: піксельна точність",
    "Results on the {split} split": "Результати ({split} вибірка)",
    "{shown} of {total} images segmented by {model} (image | mask | overlay, pixel share per class).":
        "{shown} з {total} зображень, сегментованих {model} (зображення | маска | накладання, частка пікселів кожного класу).",
    "The {split} images with the lowest IoU: image | truth | prediction.":
        "Зображення з найнижчим IoU ({split} вибірка): зображення | еталон | передбачення.",
    "Pixel confusion matrix, row-normalized ({split}).": "Піксельна матриця помилок, нормована за рядками ({split} вибірка).",
    "Worst images and confusion ({split})": "Найгірші зображення та матриця помилок ({split} вибірка)",
    "not reached in {epochs} epochs": "не досягнуто (епох: {epochs})",
    "reached at epoch {epoch}": "досягнуто в епосі {epoch}",
    "{model} pretrained": "{model}, попередньо натренований кодер",
    "{model} scratch": "{model}, з нуля",
    "{model} (classical, clusters matched to classes per image)": "{model} (класичний метод, кластери зіставлено з класами для кожного зображення)",
    "Pretrained encoder versus from scratch": "Попередньо натренований кодер проти навчання з нуля",
    "pixel acc": "піксельна точність",
    "s/epoch": "с/епоху",
    "epochs to val mIoU {target}": "епох до валідаційного mIoU {target}",
    "training s to target": "секунд навчання до цілі",
    "trainable / total params": "треновані / усі параметри",
    "Scored on the {split} split; both networks had the same data, split, seed and epochs (experiment.json).":
        "Оцінено на вибірці: {split}; обидві мережі мали ті самі дані, поділ, зерно й кількість епох (experiment.json).",
    "Pretrained encoder: {split} mIoU {pretrained} against {scratch} from scratch (difference {diff}); validation mIoU {target}: "
    "{reached_p} with the pretrained encoder, {reached_s} from scratch.":
        "Попередньо натренований кодер: mIoU ({split} вибірка) {pretrained} проти {scratch} при навчанні з нуля (різниця {diff}); "
        "валідаційний mIoU {target}: {reached_p} з попередньо натренованим кодером, {reached_s} з нуля.",
    "{split} mIoU, pretrained encoder": "{split} вибірка: mIoU, попередньо натренований кодер",
    "{split} mIoU, encoder trained from scratch": "{split} вибірка: mIoU, кодер, навчений з нуля",
    "Validation mIoU per epoch and per training second.": "Валідаційний mIoU за епохами та за секундами навчання.",
    # --- pipeline.py ---
    "{n} scene|{n} scenes": "{n} сцена|{n} сцени|{n} сцен",
    "{n} character|{n} characters": "{n} персонаж|{n} персонажі|{n} персонажів",
    "{n} region|{n} regions": "{n} область|{n} області|{n} областей",
    "new game-world scenes": "нові сцени ігрового світу",
    "the validation images": "валідаційні зображення",
    "the validation images and {folder}": "валідаційні зображення та {folder}",
    "regions classified": "класифіковано областей",
    "labels": "мітки",
    "regions under the minimum area (skipped)": "області, менші за мінімальну площу (пропущено)",
    "{n} (min area {area} px)": "{n} (мінімальна площа {area} px)",
    "images without regions": "зображення без областей",
    "speed": "швидкість",
    "{rate} images/s ({seconds} s)": "{rate} зображень/с ({seconds} с)",
    "segmentation classes cut into regions": "класи сегментації, що вирізаються в області",
    "touching objects split": "розділення дотичних об'єктів",
    "True": "так",
    "False": "ні",
    "object ({n} classes)": "об'єкт (класів: {n})",
    "Each image ({images}) is segmented by {segmenter}, every {cut} region is cut out and classified by the classifier {classifier}.":
        "Кожне зображення ({images}) сегментує {segmenter}, кожну область {cut} вирізають і класифікують класифікатором {classifier}.",
    "Each image is segmented by {segmenter}, every {cut} region is cut out and classified by the classifier {classifier}.":
        "Кожне зображення сегментує {segmenter}, кожну область {cut} вирізають і класифікують класифікатором {classifier}.",
    "segmented as": "сегментовано як",
    "classified as": "класифіковано як",
    "regions": "області",
    "mean confidence": "середня впевненість",
    "Regions per segmentation class and the classifier's label, with the label's mean probability.":
        "Області за класом сегментації та міткою класифікатора, із середньою ймовірністю мітки.",
    "Pipeline on {images}: {regions} classified.": "Конвеєр ({images}): класифіковано {regions}.",
    "regions classified (not scored: no ground truth for these images)": "класифіковано областей (без оцінки: для цих зображень немає еталона)",
    "Not scored: these images come with no ground truth of their objects (only game-world scenes do), so the tables above count "
    "what the pipeline found and claim no accuracy.":
        "Без оцінки: до цих зображень немає еталонної розмітки об'єктів (вона є лише у сцен ігрового світу), тож таблиці вище "
        "лише підраховують знайдене конвеєром і не стверджують жодної точності.",
    "Pipeline on {scenes} ({characters}): region recall {recall}, precision {precision}, label accuracy {label}, exact-count accuracy "
    "{exact}.":
        "Конвеєр ({scenes}, {characters}): повнота областей {recall}, влучність {precision}, точність міток {label}, частка сцен із "
        "точною кількістю {exact}.",
    "score": "оцінка",
    "scored images": "оцінених зображень",
    "true objects": "справжніх об'єктів",
    "matched regions (IoU ≥ 0.5)": "зіставлених областей (IoU ≥ 0.5)",
    "region recall": "повнота областей",
    "region precision": "влучність областей",
    "label accuracy of matched regions": "точність міток зіставлених областей",
    "exact-count accuracy": "частка сцен із точною кількістю персонажів",
    "Against the true character instances of the game-world scenes.": "Відносно справжніх екземплярів персонажів у сценах ігрового світу.",
    "Labels not scored: this variant's classes belong to whole scenes (the effects cast, a battle or its absence), not to each "
    "character, so a region's label is neither right nor wrong; regions are still counted.":
        "Мітки не оцінено: класи цього варіанта належать цілим сценам (застосовані ефекти, бій чи його відсутність), а не окремим "
        "персонажам, тож мітка області ні правильна, ні хибна; області все одно підраховано.",
    "{image}: {characters} characters, {regions} regions, {matched} matched, {correct} labelled correctly":
        "{image}: персонажів {characters}, областей {regions}, зіставлено {matched}, правильно позначено {correct}",
    "Annotated images": "Анотовані зображення",
    # --- pipeline.py: walkmaps ---
    "tile": "клітинка",
    "{tile} px, clearance {clearance} tiles, fill {fill}": "{tile} px, вільний простір (клітинок): {clearance}, заповнення {fill}",
    "walkable classes": "класи, по яких можна ходити",
    "hazard classes": "небезпечні класи",
    "tiles (all images)": "клітинки (усі зображення)",
    "free": "вільні",
    "stand": "опора",
    "solid": "тверді",
    "hazard": "небезпечні",
    "time": "час",
    "Against the game-world generator's own geometry.": "Відносно власної геометрії генератора ігрового світу.",
    "tile accuracy": "точність клітинок",
    "stand precision": "влучність клітинок опори",
    "stand recall": "повнота клітинок опори",
    "Walkmap tile accuracy {acc} on {scenes}; stand tiles: precision {precision}, recall {recall}.":
        "Точність клітинок карти прохідності {acc} ({scenes}); клітинки опори: влучність {precision}, повнота {recall}.",
    ", tile accuracy {acc}": ", точність клітинок {acc}",
    "{image}: stand {stand}, solid {solid}, hazard {hazard}{acc}": "{image}: опора {stand}, тверді {solid}, небезпечні {hazard}{acc}",
    "Overlays": "Накладання",
    "Stand tiles green, solid grey, hazard red, with the tile grid.":
        "Клітинки опори — зелені, тверді — сірі, небезпечні — червоні, із сіткою клітинок.",
    # --- distill.py ---
    "teacher": "учитель",
    "student": "учень",
    "role": "роль",
    "input": "вхід",
    "{runtime} ms/image batch {batch}": "{runtime}, мс/зображення, батч {batch}",
    "parameters": "параметри",
    "file MB": "файл, МБ",
    "mIoU (ground truth)": "mIoU (еталон)",
    "agreement with teacher (mIoU)": "узгодженість з учителем (mIoU)",
    "Network forward only, medians of repetitions": "лише прямий прохід мережі, медіани повторів",
    "Network forward only; medians of {rounds1} (batch 1) and {rounds8} (batch 8) rounds of up to {forwards} forwards per model, "
    "runtime by runtime":
        "Лише прямий прохід мережі; медіани {rounds1} (батч 1) і {rounds8} (батч 8) раундів до {forwards} проходів на модель, для "
        "кожного середовища виконання окремо",
    "{timing}, {threads} threads; PyTorch with folded batch norms and autocast {amp}, ONNX Runtime fp32; agreement on {images} images":
        "{timing}; потоків: {threads}; PyTorch зі згорнутими batch norm і autocast {amp}, ONNX Runtime fp32; узгодженість на "
        "зображеннях: {images}",
    "; ground truth on {n} test images.": "; еталон — на тестових зображеннях: {n}.",
    "Speed-up of the student, each model in its faster runtime: {best}":
        "Прискорення учня (кожна модель у швидшому для неї середовищі виконання): {best}",
    "{speedup}x at batch {batch} (teacher {teacher}, student {student})": "{speedup}x при батчі {batch} (учитель {teacher}, учень {student})",
    "within {runtime} {batch1}x and {batch8}x": "у межах {runtime} {batch1}x і {batch8}x",
    "; parameters {student} against {teacher}": "; параметрів {student} проти {teacher}",
    "; test mIoU {student} against {teacher} (student/teacher {ratio})": "; тестовий mIoU {student} проти {teacher} (учень/учитель {ratio})",
    "; agreement with the teacher {agreement}": "; узгодженість з учителем {agreement}",
    "speed-up of the student at batch {batch} (each model in its faster runtime)":
        "прискорення учня при батчі {batch} (кожна модель у швидшому для неї середовищі)",
    "student/teacher test mIoU": "відношення тестового mIoU учня до вчителя",
    "Speed, size and quality, teacher beside student.": "Швидкість, розмір і якість: учитель поруч з учнем.",
}
