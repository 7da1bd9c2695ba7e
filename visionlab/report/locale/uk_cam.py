"""Ukrainian translations of the Grad-CAM and comparison sections (see :mod:`visionlab.report.locale.uk`)."""

CATALOGUE: dict[str, str] = {
    # --- explain.py: the measures table ---
    "CAM mass in object": "маса CAM в об'єкті",
    "object area share": "частка площі об'єкта",
    "× chance": "× випадкового рівня",
    "pointing game": "влучання максимуму (pointing game)",
    "IoU": "IoU",
    "IoU (CAM > {threshold})": "IoU (CAM > {threshold})",
    "keep top {top}": "лишити верхні {top}",
    "remove top {top}": "прибрати верхні {top}",
    "Method {method}, layer {layer}; heatmap native resolution {cam} for {input} px inputs; explained class: {target}; {n} images.":
        "Метод {method}, шар {layer}; власна роздільність теплової карти {cam} для вхідних зображень {input} px; пояснюваний клас: "
        "{target}; зображень: {n}.",
    "the backbone default (last convolutional block)": "типовий для базової мережі (останній згортковий блок)",
    "the predicted one": "передбачений",
    "confidence of the explained class on the original image, with only the top {top}% heatmap pixels kept, and with them removed.":
        "впевненість у пояснюваному класі на оригінальному зображенні, коли лишено тільки верхні {top}% пікселів теплової карти, і "
        "коли їх прибрано.",
    "No object mask marks the concept in these images (photos without masks, or a concept that is the whole image), so no mask "
    "measure is computed; {perturbation}":
        "На цих зображеннях жодна маска об'єкта не позначає поняття (фото без масок або поняття, яке охоплює все зображення), тож "
        "міри за маскою не обчислено; {perturbation}",
    "CAM mass in object: share of the heatmap's sum inside the object mask; × chance: that share divided by the object's area share "
    "(1.0 = no preference); pointing game: share of images whose heatmap maximum lies on the object; IoU of the heatmap above "
    "{threshold} with the mask; {perturbation}":
        "Маса CAM в об'єкті: частка суми теплової карти всередині маски об'єкта; × випадкового рівня: ця частка, поділена на частку "
        "площі об'єкта (1.0 — без переваги); влучання максимуму: частка зображень, у яких максимум теплової карти лежить на "
        "об'єкті; IoU теплової карти вище {threshold} з маскою; {perturbation}",
    # --- explain.py: analysis ---
    "Analysis (from the measures)": "Аналіз (за вимірюваннями)",
    "{method} mass inside the object: {mass} against an area share of {area} ({ratio} chance); the heatmap maximum lies on the "
    "object in {pointing} of the images.":
        "Маса {method} усередині об'єкта: {mass} при частці площі {area} ({ratio} випадкового рівня); максимум теплової карти "
        "лежить на об'єкті в частці зображень {pointing}.",
    "{cls}: CAM mass in the object {mass} (area share {area}, {ratio} chance), pointing game {pointing}, IoU {iou}.":
        "{cls}: маса CAM в об'єкті {mass} (частка площі {area}, {ratio} випадкового рівня), влучання максимуму {pointing}, IoU {iou}.",
    "Highest mass over chance: {high} ({high_ratio}); lowest: {low} ({low_ratio}).":
        "Найбільша маса відносно випадкового рівня: {high} ({high_ratio}); найменша: {low} ({low_ratio}).",
    "Mean confidence {original}; with only the top {top}% heatmap pixels kept {keep}; with them removed {remove}.":
        "Середня впевненість {original}; коли лишено тільки верхні {top}% пікселів теплової карти — {keep}; коли їх прибрано — {remove}.",
    "{cls}: confidence {original} → {keep} (top {top}% kept), {remove} (top {top}% removed).":
        "{cls}: впевненість {original} → {keep} (лишено верхні {top}%), {remove} (прибрано верхні {top}%).",
    "{method}: {measure}": "{method}: {measure}",
    "CAM mass inside the object": "маса CAM усередині об'єкта",
    "object area share (the mass of a heatmap without preference)": "частка площі об'єкта (маса теплової карти без переваги)",
    "mean confidence of the explained class": "середня впевненість у пояснюваному класі",
    "mean confidence with only the top {top}% heatmap pixels kept": "середня впевненість, коли лишено тільки верхні {top}% пікселів теплової карти",
    "mean confidence with the top {top}% heatmap pixels removed": "середня впевненість, коли прибрано верхні {top}% пікселів теплової карти",
    # --- explain.py: deletion and insertion curves ---
    "Deletion and insertion curves (no masks needed)": "Криві видалення та вставлення (маски не потрібні)",
    "deletion AUC, heatmap order": "AUC видалення, порядок теплової карти",
    "deletion AUC, random order": "AUC видалення, випадковий порядок",
    "insertion AUC, heatmap order": "AUC вставлення, порядок теплової карти",
    "insertion AUC, random order": "AUC вставлення, випадковий порядок",
    "AUC: area under the explained class's probability while the share of pixels deleted (set to the mean colour), or inserted into "
    "the mean-colour image, goes from 0 to 1 in {steps} steps, highest values first; heatmap order: the {method} map; random order: "
    "noise drawn at the map's native resolution and upsampled the same way (seeded). A lower deletion AUC and a higher insertion AUC "
    "than the random order's mean the heatmap ranks first the pixels the model's probability depends on.":
        "AUC: площа під імовірністю пояснюваного класу, поки частка видалених пікселів (замінених середнім кольором) або вставлених "
        "у зображення середнього кольору зростає від 0 до 1 за {steps} кроків, починаючи з найбільших значень; порядок теплової "
        "карти: карта {method}; випадковий порядок: шум, згенерований у власній роздільності карти й збільшений так само (із "
        "зерном). Нижча AUC видалення та вища AUC вставлення, ніж у випадкового порядку, означають, що теплова карта ставить "
        "першими ті пікселі, від яких залежить імовірність моделі.",
    "Deletion/insertion curves on {images}: the explained class's probability {fall} when the heatmap's highest pixels are deleted "
    "first than in random order (deletion AUC {deletion} against {deletion_random}), and {rise} when they are inserted first "
    "(insertion AUC {insertion} against {insertion_random}).":
        "Криві видалення/вставлення ({images}): імовірність пояснюваного класу, коли першими видаляють найвищі пікселі теплової "
        "карти, {fall}, ніж у випадковому порядку (AUC видалення {deletion} проти {deletion_random}), а коли їх першими вставляють, "
        "{rise} (AUC вставлення {insertion} проти {insertion_random}).",
    "falls faster": "падає швидше",
    "falls more slowly": "падає повільніше",
    "falls as fast": "падає не швидше й не повільніше",
    "rises faster": "зростає швидше",
    "rises more slowly": "зростає повільніше",
    "rises as fast": "зростає не швидше й не повільніше",
    "{n} of {total} images": "{n} з {total} зображень",
    "{cls} (deletion {deletion} against {deletion_random}, insertion {insertion} against {insertion_random})":
        "{cls} (видалення {deletion} проти {deletion_random}, вставлення {insertion} проти {insertion_random})",
    "Heatmap order beats random order on both curves for {both}; not for {other}.":
        "Порядок теплової карти кращий за випадковий на обох кривих для {both}; не для {other}.",
    "Heatmap order beats random order on both curves for {both}.": "Порядок теплової карти кращий за випадковий на обох кривих для {both}.",
    "Heatmap order does not beat random order on both curves for {other}.":
        "Порядок теплової карти не кращий за випадковий на обох кривих для {other}.",
    "Mean deletion (left) and insertion (right) curves per class, {method} order solid, random order dashed; the legend gives each "
    "curve's AUC and number of images.":
        "Середні криві видалення (ліворуч) і вставлення (праворуч) за класами: порядок {method} — суцільна лінія, випадковий — "
        "пунктир; у легенді — AUC кожної кривої та кількість зображень.",
    # --- explain.py: galleries ---
    "Class {cls}": "Клас {cls}",
    "{cls}: image | heatmap | overlay, up to {n} images; misclassified ones first (at most half), their title in red, correct ones "
    "in green.":
        "{cls}: зображення | теплова карта | накладання, до {n} зображень; спершу хибно класифіковані (не більше половини), їхній "
        "підпис червоний, правильні — зелений.",
    "Images with the lowest CAM mass in the object": "Зображення з найменшою масою CAM в об'єкті",
    "The {shown} of {total} images whose heatmap puts the least mass on the object (per_image.csv).":
        "{shown} з {total} зображень, теплова карта яких кладе найменше маси на об'єкт (per_image.csv).",
    "{image}: true {true}, predicted {pred} ({confidence}); CAM mass in the object {mass}, area share {area}":
        "{image}: справжній {true}, передбачено {pred} ({confidence}); маса CAM в об'єкті {mass}, частка площі {area}",
    # --- compare.py ---
    "CAM mass in region": "маса CAM в області",
    "region area share": "частка площі області",
    "object": "об'єкт",
    "Otsu's threshold": "порогом Оцу",
    "the top {top}% of pixels": "верхніми {top}% пікселів",
    "{method} mass in the segmented {concept} region {mass} against its area share of {area} ({ratio} chance); IoU {iou}; pointing "
    "game {pointing}.":
        "Маса {method} у сегментованій області {concept}: {mass} при її частці площі {area} ({ratio} випадкового рівня); IoU {iou}; "
        "влучання максимуму {pointing}.",
    "{method} mass in the segmented region": "маса {method} у сегментованій області",
    "segmented region's area share": "частка площі сегментованої області",
    "compare.concept_classes of the config: {classes}": "compare.concept_classes з конфігурації: {classes}",
    "{classes}: the game world's concept classes of variant {number}": "{classes}: класи поняття варіанта {number} в ігровому світі",
    "{classes}: the VOC classes of variant {number}'s objects": "{classes}: класи VOC об'єктів варіанта {number}",
    "the variant has no VOC concept": "варіант не має поняття серед класів VOC",
    "no concept classes are configured": "класи поняття не задано",
    "every object class the segmenter predicts ({n}: {classes}), since {why}":
        "усі класи об'єктів, які передбачає модель сегментації ({n}: {classes}), бо {why}",
    "{n} images: {method} heatmaps of the classifier against the {concept} region found by the segmenter {segmenter} (concept "
    "classes: {source}).":
        "Зображень: {n}. Теплові карти {method} класифікатора порівняно з областю {concept}, яку знайшла модель сегментації "
        "{segmenter} (класи поняття: {source}).",
    "{n} images: {method} heatmaps of the classifier against the {concept} region found by the segmenter {segmenter}.":
        "Зображень: {n}. Теплові карти {method} класифікатора порівняно з областю {concept}, яку знайшла модель сегментації "
        "{segmenter}.",
    "The region is the segmenter's prediction, not a drawn mask: these numbers measure agreement with that segmenter.":
        "Область — це передбачення моделі сегментації, а не намальована маска: ці числа вимірюють узгодженість саме з цією моделлю.",
    "predicted {cls}": "передбачено {cls}",
    "IoU of the heatmap above {how} with the segmented region; rows by predicted class.":
        "IoU теплової карти, відібраної {how}, із сегментованою областю; рядки — за передбаченим класом.",
    "{n} image(s) had no {concept} pixel in the segmentation (mass 0 there).":
        "Зображень без жодного пікселя {concept} у сегментації (маса там 0): {n}.",
    "True mask versus segmented region": "Справжня маска проти сегментованої області",
    "CAM mass inside": "маса CAM усередині",
    "area share": "частка площі",
    "true object mask (Grad-CAM section)": "справжня маска об'єкта (розділ Grad-CAM)",
    "segmented region": "сегментована область",
    "The heatmaps measured against the generator's object masks and against the segmenter's output; the heatmap of the first is on "
    "the classifier's centre crop, of the second mapped onto the whole image.":
        "Теплові карти, виміряні відносно масок об'єктів від генератора та відносно виходу моделі сегментації; у першому випадку "
        "теплова карта — на центральному вирізі класифікатора, у другому — перенесена на все зображення.",
    "Examples": "Приклади",
    "The {high} images with the highest and the {low} with the lowest CAM mass in the region: image | CAM | segmentation | region "
    "with the thresholded CAM's outline.":
        "Зображення з найбільшою (кількість: {high}) і найменшою (кількість: {low}) масою CAM в області: зображення | CAM | "
        "сегментація | область з контуром CAM після порогу.",
    "{image}: predicted {pred} ({confidence}); CAM mass in region {mass}, area {area}, IoU {iou}":
        "{image}: передбачено {pred} ({confidence}); маса CAM в області {mass}, площа {area}, IoU {iou}",
}
