"""The purposes and first cookie policy the site launches with (../shared/seed-content.md),
in the six languages.

Loaded by a data migration, so every fresh database has them; `load_consent_seed` never
overwrites what privacy officers changed later. The texts are content (consent.translation):
privacy officers edit every language in the admin, and a record proves the texts shown in
its language. The translations are the project's own, made with the interface's.
"""

import datetime

from django.apps import apps as global_apps

LANGUAGES = ("en", "fr", "es", "ru", "zh-hans", "ar")

PURPOSES = [
    {
        "slug": "functional",
        "name": {
            "en": "Functional",
            "fr": "Fonctionnement du site",
            "es": "Funcionamiento del sitio",
            "ru": "Работа сайта",
            "zh-hans": "网站运行",
            "ar": "الوظائف الأساسية",
        },
        "description": {
            "en": "Always on: the site cannot work without it.",
            "fr": "Toujours actif\xa0: le site ne peut pas fonctionner sans.",
            "es": "Siempre activa: el sitio no puede funcionar sin ella.",
            "ru": "Всегда включено: без этого сайт не может работать.",
            "zh-hans": "始终开启：没有它，网站将无法运行。",
            "ar": "مفعّلة دائمًا: لا يمكن للموقع أن يعمل بدونها.",
        },
        "required": True,
        "order": 10,
    },
    {
        "slug": "embeds",
        "name": {
            "en": "Embedded external content",
            "fr": "Contenus externes intégrés",
            "es": "Contenido externo integrado",
            "ru": "Встроенный внешний контент",
            "zh-hans": "嵌入的外部内容",
            "ar": "المحتوى الخارجي المضمَّن",
        },
        "description": {
            "en": "Videos and other content hosted by third parties.",
            "fr": "Vidéos et autres contenus hébergés par des tiers.",
            "es": "Vídeos y otros contenidos alojados por terceros.",
            "ru": "Видео и другой контент, размещённый третьими сторонами.",
            "zh-hans": "由第三方托管的视频及其他内容。",
            "ar": "مقاطع الفيديو والمحتويات الأخرى التي تستضيفها جهات خارجية.",
        },
        "required": False,
        "order": 20,
    },
    {
        "slug": "analytics",
        "name": {
            "en": "Analytics",
            "fr": "Mesure d’audience",
            "es": "Analítica",
            "ru": "Аналитика",
            "zh-hans": "统计分析",
            "ar": "التحليلات",
        },
        "description": {
            "en": "Anonymous statistics on how the site is used.",
            "fr": "Statistiques anonymes sur l’utilisation du site.",
            "es": "Estadísticas anónimas sobre el uso del sitio.",
            "ru": "Анонимная статистика использования сайта.",
            "zh-hans": "关于网站使用情况的匿名统计。",
            "ar": "إحصاءات مجهولة الهوية عن كيفية استخدام الموقع.",
        },
        "required": False,
        "order": 30,
    },
]

# The cookie policy, paragraph by paragraph, in each language.
POLICY_PARAGRAPHS = {
    "en": [
        "This page explains which cookies and personal data the website of the International AI Safety Report uses, why, and how you control them. Nothing optional is used until you say yes, and you can change your mind at any time with the “Cookie settings” link at the bottom of every page.",
        "Functional (always on). When you make a choice, we store it in a first-party cookie named “consent”: a random consent id, the version of this policy, your choice for each purpose and the time. The cookie is signed so that it cannot be forged, is never shared with other sites and expires after twelve months, after which we ask you again. We also ask again whenever this policy changes.",
        "Embedded external content (optional). Some publications include a video hosted by YouTube or Vimeo. Until you allow it, we show a placeholder instead, and nothing is loaded from those services. If you load a video, the provider receives your IP address and information about your browser, and may set its own cookies; its privacy policy then applies. We use YouTube’s privacy-enhanced mode and ask Vimeo not to track you.",
        "Analytics (optional). If you allow it, we count visits with a privacy-respecting statistics tool that we configure not to build profiles of you. The statistics are anonymous and are used only to improve the site.",
        "Global Privacy Control. If your browser sends a Global Privacy Control signal, we treat it as a refusal of every optional purpose unless you tell us otherwise.",
        "Proof of consent. The law requires us to be able to prove what you agreed to. Each time you make a choice, we keep a record of it: your consent id, the time, the policy version, your choice for each purpose, whether a Global Privacy Control signal was present, the page you were on, a shortened description of your browser, a fingerprint of the exact texts you were shown, and a keyed hash of your shortened IP address (never the address itself). These records are protected against alteration and deleted one year after your consent expires. The “Your consent” section below shows your consent id and your own decisions.",
        "Your rights. You may withdraw your consent at any time, as easily as you gave it, and ask us for access to, or erasure of, the records about your consent id.",
    ],
    "fr": [
        "Cette page explique quels cookies et quelles données personnelles le site de l’International AI Safety Report utilise, pourquoi, et comment vous en gardez la maîtrise. Rien de facultatif n’est utilisé tant que vous n’avez pas donné votre accord, et vous pouvez changer d’avis à tout moment grâce au lien «\xa0Paramètres des cookies\xa0» en bas de chaque page.",
        "Fonctionnement du site (toujours actif). Lorsque vous faites un choix, nous l’enregistrons dans un cookie propre au site, nommé «\xa0consent\xa0»\xa0: un identifiant de consentement aléatoire, la version de la présente politique, votre choix pour chaque finalité et l’heure. Ce cookie est signé afin qu’il ne puisse pas être falsifié\xa0; il n’est jamais partagé avec d’autres sites et expire au bout de douze mois, après quoi nous vous demandons à nouveau votre choix. Nous vous le redemandons également chaque fois que la présente politique change.",
        "Contenus externes intégrés (facultatifs). Certaines publications comportent une vidéo hébergée par YouTube ou Vimeo. Tant que vous ne l’avez pas autorisé, nous affichons un espace réservé à la place, et rien n’est chargé depuis ces services. Si vous chargez une vidéo, le fournisseur reçoit votre adresse IP et des informations sur votre navigateur, et peut déposer ses propres cookies\xa0; sa politique de confidentialité s’applique alors. Nous utilisons le mode de confidentialité renforcée de YouTube et demandons à Vimeo de ne pas vous suivre.",
        "Mesure d’audience (facultative). Si vous l’autorisez, nous comptons les visites à l’aide d’un outil de statistiques respectueux de la vie privée, que nous configurons pour qu’il n’établisse aucun profil à votre sujet. Les statistiques sont anonymes et servent uniquement à améliorer le site.",
        "Global Privacy Control. Si votre navigateur envoie un signal Global Privacy Control, nous le traitons comme un refus de toutes les finalités facultatives, sauf indication contraire de votre part.",
        "Preuve du consentement. La loi nous impose de pouvoir prouver ce que vous avez accepté. Chaque fois que vous faites un choix, nous en conservons un enregistrement\xa0: votre identifiant de consentement, l’heure, la version de la politique, votre choix pour chaque finalité, la présence éventuelle d’un signal Global Privacy Control, la page sur laquelle vous vous trouviez, une description abrégée de votre navigateur, une empreinte des textes exacts qui vous ont été présentés et un hachage à clé de votre adresse IP tronquée (jamais l’adresse elle-même). Ces enregistrements sont protégés contre toute modification et supprimés un an après l’expiration de votre consentement. La section «\xa0Votre consentement\xa0» ci-dessous indique votre identifiant de consentement et vos propres décisions.",
        "Vos droits. Vous pouvez retirer votre consentement à tout moment, aussi facilement que vous l’avez donné, et nous demander l’accès aux enregistrements liés à votre identifiant de consentement ou leur effacement.",
    ],
    "es": [
        "Esta página explica qué cookies y qué datos personales utiliza el sitio web del International AI Safety Report, por qué y cómo puede controlarlos. No se utiliza nada opcional hasta que usted lo acepte, y puede cambiar de opinión en cualquier momento con el enlace «Configuración de cookies» que aparece al pie de cada página.",
        "Funcionamiento del sitio (siempre activa). Cuando usted hace una elección, la guardamos en una cookie propia llamada «consent»: un identificador de consentimiento aleatorio, la versión de esta política, su elección para cada finalidad y la hora. La cookie está firmada para que no pueda falsificarse, nunca se comparte con otros sitios y caduca a los doce meses, tras lo cual volvemos a preguntarle. También volvemos a preguntarle cada vez que cambia esta política.",
        "Contenido externo integrado (opcional). Algunas publicaciones incluyen un vídeo alojado en YouTube o Vimeo. Hasta que usted lo permita, mostramos en su lugar un marcador de posición y no se carga nada desde esos servicios. Si carga un vídeo, el proveedor recibe su dirección IP e información sobre su navegador, y puede instalar sus propias cookies; en ese caso se aplica su política de privacidad. Utilizamos el modo de privacidad mejorada de YouTube y pedimos a Vimeo que no le rastree.",
        "Analítica (opcional). Si usted lo permite, contamos las visitas con una herramienta estadística respetuosa con la privacidad, que configuramos para que no elabore perfiles sobre usted. Las estadísticas son anónimas y solo se utilizan para mejorar el sitio.",
        "Global Privacy Control. Si su navegador envía una señal Global Privacy Control, la tratamos como un rechazo de todas las finalidades opcionales, salvo que usted nos indique lo contrario.",
        "Prueba del consentimiento. La ley nos exige poder demostrar lo que usted aceptó. Cada vez que hace una elección, conservamos un registro de ella: su identificador de consentimiento, la hora, la versión de la política, su elección para cada finalidad, si había una señal Global Privacy Control, la página en la que se encontraba, una descripción abreviada de su navegador, una huella de los textos exactos que se le mostraron y un hash con clave de su dirección IP truncada (nunca la dirección en sí). Estos registros están protegidos contra cualquier alteración y se eliminan un año después de que caduque su consentimiento. La sección «Su consentimiento», más abajo, muestra su identificador de consentimiento y sus propias decisiones.",
        "Sus derechos. Puede retirar su consentimiento en cualquier momento, con la misma facilidad con que lo dio, y solicitarnos el acceso a los registros asociados a su identificador de consentimiento o su supresión.",
    ],
    "ru": [
        "На этой странице объясняется, какие файлы cookie и персональные данные использует сайт International AI Safety Report, зачем и как вы можете ими управлять. Ничего необязательного не используется, пока вы не дадите согласие, и вы можете в любой момент изменить своё решение по ссылке «Настройки файлов cookie» внизу каждой страницы.",
        "Работа сайта (всегда включено). Когда вы делаете выбор, мы сохраняем его в собственном файле cookie сайта с именем «consent»: случайный идентификатор согласия, версию настоящей политики, ваш выбор для каждой цели и время. Файл cookie подписан, чтобы его нельзя было подделать, никогда не передаётся другим сайтам и перестаёт действовать через двенадцать месяцев, после чего мы снова спрашиваем вас. Мы также спрашиваем вас снова при каждом изменении настоящей политики.",
        "Встроенный внешний контент (необязательно). Некоторые публикации содержат видео, размещённое на YouTube или Vimeo. Пока вы не разрешите его, вместо него показывается заглушка и с этих сервисов ничего не загружается. Если вы загрузите видео, провайдер получит ваш IP-адрес и сведения о вашем браузере и может установить собственные файлы cookie; в этом случае действует его политика конфиденциальности. Мы используем режим повышенной конфиденциальности YouTube и просим Vimeo не отслеживать вас.",
        "Аналитика (необязательно). Если вы это разрешите, мы подсчитываем посещения с помощью инструмента статистики, уважающего конфиденциальность, который мы настраиваем так, чтобы он не составлял ваш профиль. Статистика анонимна и используется только для улучшения сайта.",
        "Global Privacy Control. Если ваш браузер отправляет сигнал Global Privacy Control, мы считаем его отказом от всех необязательных целей, если вы не сообщите нам иное.",
        "Подтверждение согласия. Закон требует, чтобы мы могли доказать, на что вы дали согласие. Каждый раз, когда вы делаете выбор, мы сохраняем запись о нём: ваш идентификатор согласия, время, версию политики, ваш выбор для каждой цели, наличие сигнала Global Privacy Control, страницу, на которой вы находились, сокращённое описание вашего браузера, отпечаток точных текстов, которые вам были показаны, и хеш с ключом от вашего сокращённого IP-адреса (но никогда не сам адрес). Эти записи защищены от изменения и удаляются через год после истечения срока действия вашего согласия. В разделе «Ваше согласие» ниже указаны ваш идентификатор согласия и ваши решения.",
        "Ваши права. Вы можете в любой момент отозвать своё согласие так же легко, как дали его, и запросить у нас доступ к записям, связанным с вашим идентификатором согласия, или их удаление.",
    ],
    "zh-hans": [
        "本页面说明 International AI Safety Report 网站使用哪些 Cookie 和个人数据、使用的原因以及您如何对其进行控制。在您同意之前，我们不会使用任何可选项；您可以随时通过每个页面底部的“Cookie 设置”链接更改您的选择。",
        "网站运行（始终开启）。当您作出选择时，我们会将其存储在名为“consent”的第一方 Cookie 中，内容包括：随机生成的同意编号、本政策的版本、您对每项用途的选择以及时间。该 Cookie 经过签名，无法伪造，绝不会与其他网站共享，并在十二个月后过期，届时我们会再次征求您的意见。每当本政策发生变更时，我们也会再次征求您的意见。",
        "嵌入的外部内容（可选）。部分出版物包含由 YouTube 或 Vimeo 托管的视频。在您允许之前，我们只显示占位内容，不会从这些服务加载任何内容。如果您加载视频，服务提供商将收到您的 IP 地址和浏览器信息，并可能设置其自身的 Cookie；此时适用其隐私政策。我们使用 YouTube 的隐私增强模式，并要求 Vimeo 不跟踪您。",
        "统计分析（可选）。如果您允许，我们将使用一款尊重隐私的统计工具统计访问量，并对其进行配置，使其不会建立您的个人画像。统计数据是匿名的，仅用于改进本网站。",
        "全球隐私控制（Global Privacy Control）。如果您的浏览器发送“全球隐私控制”信号，除非您另行告知，我们会将其视为拒绝所有可选用途。",
        "同意证明。法律要求我们能够证明您同意了哪些内容。每次您作出选择时，我们都会保存一条记录：您的同意编号、时间、政策版本、您对每项用途的选择、是否存在“全球隐私控制”信号、您当时所在的页面、您浏览器的简要描述、向您展示的确切文本的指纹，以及您截短后的 IP 地址的密钥哈希值（绝不保存地址本身）。这些记录受到防篡改保护，并在您的同意过期一年后删除。下方的“您的同意”部分会显示您的同意编号以及您本人的各项决定。",
        "您的权利。您可以随时撤回同意，撤回与给予同意一样简单；您也可以要求我们提供或删除与您的同意编号相关的记录。",
    ],
    "ar": [
        "توضّح هذه الصفحة ملفات تعريف الارتباط والبيانات الشخصية التي يستخدمها موقع International AI Safety Report، وسبب استخدامها، وكيف يمكنك التحكم فيها. لا يُستخدم أي شيء اختياري حتى توافق على ذلك، ويمكنك تغيير رأيك في أي وقت عبر رابط «إعدادات ملفات تعريف الارتباط» أسفل كل صفحة.",
        "الوظائف الأساسية (مفعّلة دائمًا). عندما تتخذ اختيارًا، نحفظه في ملف تعريف ارتباط خاص بالموقع نفسه يُسمّى «consent»، ويتضمن: معرّف موافقة عشوائيًا، وإصدار هذه السياسة، واختيارك لكل غرض، والوقت. ملف تعريف الارتباط هذا موقَّع بحيث لا يمكن تزويره، ولا يُشارَك أبدًا مع مواقع أخرى، وتنتهي صلاحيته بعد اثني عشر شهرًا، نسألك بعدها من جديد. ونسألك من جديد أيضًا كلما تغيّرت هذه السياسة.",
        "المحتوى الخارجي المضمَّن (اختياري). تتضمن بعض المنشورات مقطع فيديو يستضيفه YouTube أو Vimeo. وإلى أن تسمح بذلك، نعرض عنصرًا نائبًا بدلًا منه، ولا يُحمَّل أي شيء من تلك الخدمات. وإذا حمّلت مقطع فيديو، يتلقى مقدّم الخدمة عنوان IP الخاص بك ومعلومات عن متصفحك، وقد يضع ملفات تعريف الارتباط الخاصة به؛ وتسري عندئذٍ سياسة الخصوصية الخاصة به. نستخدم وضع الخصوصية المحسّنة في YouTube ونطلب من Vimeo عدم تتبّعك.",
        "التحليلات (اختيارية). إذا سمحت بذلك، نحصي الزيارات باستخدام أداة إحصاءات تحترم الخصوصية نضبطها بحيث لا تُنشئ ملفات تعريفية عنك. الإحصاءات مجهولة الهوية ولا تُستخدم إلا لتحسين الموقع.",
        "Global Privacy Control (التحكم العالمي في الخصوصية). إذا أرسل متصفحك إشارة Global Privacy Control، فإننا نعدّها رفضًا لجميع الأغراض الاختيارية ما لم تخبرنا بخلاف ذلك.",
        "إثبات الموافقة. يُلزمنا القانون بأن نكون قادرين على إثبات ما وافقت عليه. في كل مرة تتخذ فيها اختيارًا، نحتفظ بسجل له يتضمن: معرّف موافقتك، والوقت، وإصدار السياسة، واختيارك لكل غرض، وما إذا كانت إشارة Global Privacy Control موجودة، والصفحة التي كنت عليها، ووصفًا مختصرًا لمتصفحك، وبصمة للنصوص التي عُرضت عليك بالضبط، وتجزئة مُفتاحية لعنوان IP المختصر الخاص بك (وليس العنوان نفسه أبدًا). هذه السجلات محمية من التعديل، وتُحذف بعد سنة من انتهاء صلاحية موافقتك. ويعرض قسم «موافقتك» أدناه معرّف موافقتك وقراراتك.",
        "حقوقك. يمكنك سحب موافقتك في أي وقت بالسهولة نفسها التي منحتها بها، وأن تطلب منا الاطلاع على السجلات المتعلقة بمعرّف موافقتك أو محوها.",
    ],
}
POLICY_TEXTS = {
    language: "\n\n".join(paragraphs) + "\n" for language, paragraphs in POLICY_PARAGRAPHS.items()
}
POLICY_TEXT = POLICY_TEXTS["en"]


def column(name, language):
    """The column holding `name` in `language` (django-modeltranslation): "name_zh_hans"."""
    return f"{name}_{language.replace('-', '_')}"


def translated_values(name, texts, model):
    """{column: text} for every language, plus the untranslated column, for the columns
    `model` has (a migration's model may predate the translations)."""
    columns = {field.name for field in model._meta.get_fields()}
    values = {name: texts["en"]}
    for language, text in texts.items():
        if column(name, language) in columns:
            values[column(name, language)] = text
    return values


def load_consent_seed(apps=global_apps):
    Purpose = apps.get_model("consent", "Purpose")
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for fields in PURPOSES:
        defaults = {
            key: value for key, value in fields.items() if key not in ("name", "description")
        }
        defaults.update(translated_values("name", fields["name"], Purpose))
        defaults.update(translated_values("description", fields["description"], Purpose))
        Purpose.objects.get_or_create(slug=fields["slug"], defaults=defaults)
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            number=1,
            effective_date=datetime.date(2025, 11, 27),
            **translated_values("text", POLICY_TEXTS, PolicyVersion),
        )


def fill_seeded_translations(apps=global_apps):
    """Give the seeded purposes and policy text their translations where they still have
    the seed's English text and no translation yet (a data migration runs it once)."""
    Purpose = apps.get_model("consent", "Purpose")
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    seeded = {fields["slug"]: fields for fields in PURPOSES}
    for purpose in Purpose.objects.all():
        fields = seeded.get(purpose.slug, {})
        for name in ("name", "description"):
            english = getattr(purpose, name)
            setattr(purpose, column(name, "en"), english)
            texts = fields.get(name, {})
            if texts.get("en") == english:
                for language in LANGUAGES[1:]:
                    if not getattr(purpose, column(name, language)):
                        setattr(purpose, column(name, language), texts[language])
        purpose.save()
    for version in PolicyVersion.objects.all():
        version.text_en = version.text
        if version.text.strip() == POLICY_TEXT.strip():
            for language in LANGUAGES[1:]:
                if not getattr(version, column("text", language)):
                    setattr(version, column("text", language), POLICY_TEXTS[language])
        version.save()


# Corrections to the seeded policy of 27 November 2025 (policy version 1), made on
# 3 December 2026: the consent id and the decisions are in the "Your consent" section,
# not in "Cookie settings"; French purposes agree with "facultatif"; Spanish says
# "truncada" for the shortened IP address. Each pair is (text as seeded, corrected text).
POLICY_CORRECTIONS = {
    "en": [("The cookie settings section below shows", "The “Your consent” section below shows")],
    "fr": [
        ("Contenus externes intégrés (facultatif)", "Contenus externes intégrés (facultatifs)"),
        ("Mesure d’audience (facultatif)", "Mesure d’audience (facultative)"),
        ("La section «\xa0Paramètres des cookies\xa0» ci-dessous",
         "La section «\xa0Votre consentement\xa0» ci-dessous"),
    ],
    "es": [
        ("dirección IP abreviada", "dirección IP truncada"),
        ("La sección «Configuración de cookies», más abajo,", "La sección «Su consentimiento», más abajo,"),
    ],
    "ru": [("В разделе «Настройки файлов cookie» ниже", "В разделе «Ваше согласие» ниже")],
    "zh-hans": [("下方的“Cookie 设置”部分", "下方的“您的同意”部分")],
    "ar": [("ويعرض قسم «إعدادات ملفات تعريف الارتباط» أدناه", "ويعرض قسم «موافقتك» أدناه")],
}


def seeded_policy_text(language):
    """The policy text in `language` exactly as it was seeded, before POLICY_CORRECTIONS."""
    text = POLICY_TEXTS[language]
    for seeded, corrected in POLICY_CORRECTIONS[language]:
        text = text.replace(corrected, seeded)
    return text


def correct_seeded_policy(apps=global_apps):
    """Apply POLICY_CORRECTIONS to each language's policy text that is still word for word
    the seeded one; a text a privacy officer has edited is left as they wrote it."""
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for version in PolicyVersion.objects.all():
        changed = []
        for language in LANGUAGES:
            name = column("text", language)
            if getattr(version, name, None) == seeded_policy_text(language):
                setattr(version, name, POLICY_TEXTS[language])
                changed.append(name)
        if version.text == seeded_policy_text("en"):
            version.text = POLICY_TEXTS["en"]
            changed.append("text")
        if changed:
            version.save(update_fields=changed)
