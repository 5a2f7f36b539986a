"""Demo content of Lipa & Co., a fictional tea and ceramics webshop in Ljubljana.

Original text written for this demo, in English, Slovenian, Albanian and Croatian. Each policy
is a list of versions; a version names the sections its body is made of, so that the text of
each language is written once and the history shows what really changed between versions.

Rich text is Wagtail's stored HTML (escape ``&`` as ``&amp;``); headings are plain text.
"""

LANGUAGES = ["en", "sl", "sq", "hr"]

SHOP_EMAIL = "hello@lipa-co.example"
PRIVACY_EMAIL = "privacy@lipa-co.example"


def H(text):
    return {"type": "heading", "value": text}


def P(*paragraphs):
    return {"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}


def UL(*items):
    return {
        "type": "paragraph",
        "value": "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>",
    }


def TABLE(*rows):
    return {
        "type": "table",
        "value": {
            "data": [list(row) for row in rows],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
        },
    }


def mail(address):
    return f'<a href="mailto:{address}">{address}</a>'


# --------------------------------------------------------------------------------------------
# Users
# --------------------------------------------------------------------------------------------

EDITOR = {
    "username": "editor",
    "password": "editor-demo",
    "email": "editor@lipa-co.example",
    "first_name": "Urša",
    "last_name": "Lipovec",
}

CUSTOMERS = [
    {
        "username": "ana",
        "password": "customer-demo",
        "email": "ana@example.com",
        "first_name": "Ana",
        "last_name": "Novak",
        "language": "sl",
    },
    {
        "username": "bor",
        "password": "customer-demo",
        "email": "bor@example.com",
        "first_name": "Bor",
        "last_name": "Kranjc",
        "language": "hr",
    },
    {
        # Reads English: the one who gets a change published in English at once (staff, such
        # as the editor, are no customers and get no notices).
        "username": "eva",
        "password": "customer-demo",
        "email": "eva@example.com",
        "first_name": "Eva",
        "last_name": "Horvat",
        "language": "en",
    },
]

# --------------------------------------------------------------------------------------------
# Home page
# --------------------------------------------------------------------------------------------

HOME = {
    "slug": "home",
    "en": {
        "title": "Lipa & Co.",
        "intro": (
            "<p>Loose-leaf teas, herbal blends and handmade ceramics from our little shop in "
            "Ljubljana.</p><p>This demo site keeps its legal documents as versioned pages in "
            'four languages; the <a href="/storefront/">demo storefront</a> reads them through '
            "the JSON API.</p>"
        ),
    },
    "sl": {
        "title": "Lipa & Co.",
        "intro": (
            "<p>Sipki čaji, zeliščne mešanice in ročno izdelana keramika iz naše male trgovine "
            "v Ljubljani.</p><p>Ta predstavitvena stran hrani pravne dokumente kot strani z "
            'različicami v štirih jezikih; <a href="/storefront/">predstavitvena trgovina</a> '
            "jih bere prek JSON API-ja.</p>"
        ),
    },
    "sq": {
        "title": "Lipa & Co.",
        "intro": (
            "<p>Çaj me gjethe, përzierje bimore dhe qeramikë e punuar me dorë nga dyqani ynë i "
            "vogël në Lubjanë.</p><p>Kjo faqe demonstruese i mban dokumentet ligjore si faqe me "
            'versione në katër gjuhë; <a href="/storefront/">dyqani demonstrues</a> i lexon ato '
            "përmes API-së JSON.</p>"
        ),
    },
    "hr": {
        "title": "Lipa & Co.",
        "intro": (
            "<p>Čajevi u rinfuzi, biljne mješavine i ručno izrađena keramika iz naše male "
            "trgovine u Ljubljani.</p><p>Ova pokazna stranica čuva pravne dokumente kao "
            'stranice s verzijama na četiri jezika; <a href="/storefront/">pokazna trgovina</a> '
            "čita ih putem JSON API-ja.</p>"
        ),
    },
}

# --------------------------------------------------------------------------------------------
# Privacy policy
# --------------------------------------------------------------------------------------------

PRIVACY_SECTIONS = {
    "en": {
        "controller": [
            H("Who we are"),
            P(
                "Lipa &amp; Co. d.o.o. is a small family shop in Ljubljana that sells loose-leaf "
                "tea, herbal blends and handmade ceramics online and in our shop at Lipova "
                "ulica 7. We are the controller of the personal data described in this policy.",
                f"You can reach us about anything concerning your data at {mail(PRIVACY_EMAIL)} "
                "or by post at Lipa &amp; Co. d.o.o., Lipova ulica 7, 1000 Ljubljana, Slovenia. "
                "We answer within a few working days, and at the latest within one month.",
            ),
        ],
        "data": [
            H("What data we collect and why"),
            UL(
                "<b>Orders:</b> your name, delivery and billing address, email address, "
                "telephone number and the products you buy, so that we can pack, send and "
                "invoice your order.",
                "<b>Customer account:</b> your sign-in details, saved addresses and order "
                "history, if you choose to open an account.",
                "<b>Payments:</b> we never see or keep your card number; our payment provider "
                "only tells us whether the payment went through.",
                "<b>Newsletter:</b> your email address and the language you read in, if you "
                "subscribe to our monthly letter about new harvests and workshops.",
                "<b>Messages:</b> whatever you write to us by email or through the contact "
                "form, so that we can answer you.",
            ),
        ],
        "recommendations": [
            H("Recommendations and reviews"),
            P(
                "If you agree to it in your account, we look at the teas and ceramics you have "
                "ordered and suggest products you may like, on our website and in the "
                "newsletter. We do this ourselves, without advertising networks. You can turn "
                "it off at any time, and we then delete the profile.",
                "Product reviews you write are shown publicly with your first name and the "
                "initial of your surname. You can edit or delete them in your account.",
            ),
        ],
        "basis": [
            H("Legal basis"),
            UL(
                "<b>Our contract with you</b> (Article 6(1)(b) GDPR): orders, delivery, your "
                "customer account and complaints.",
                "<b>Our legal obligations</b> (Article 6(1)(c) GDPR): invoices and accounting "
                "records.",
                "<b>Your consent</b> (Article 6(1)(a) GDPR): the newsletter. You can withdraw "
                "your consent at any time with the link in every newsletter or in your "
                "account; this does not affect what we did before.",
                "<b>Our legitimate interest</b> (Article 6(1)(f) GDPR): protecting the shop "
                "against fraud and answering your messages.",
            ),
        ],
        "basis_v3": [
            H("Legal basis"),
            UL(
                "<b>Our contract with you</b> (Article 6(1)(b) GDPR): orders, delivery, your "
                "customer account, product reviews and complaints.",
                "<b>Our legal obligations</b> (Article 6(1)(c) GDPR): invoices and accounting "
                "records.",
                "<b>Your consent</b> (Article 6(1)(a) GDPR): the newsletter and personalised "
                "recommendations. You can withdraw your consent at any time with the link in "
                "every newsletter or in your account; this does not affect what we did before.",
                "<b>Our legitimate interest</b> (Article 6(1)(f) GDPR): protecting the shop "
                "against fraud and answering your messages.",
            ),
        ],
        "retention": [
            H("How long we keep your data"),
            P(
                "We keep data only as long as we need it for the purpose we collected it for, "
                "or as long as the law requires:"
            ),
            TABLE(
                ["Data", "Kept for"],
                ["Invoices", "10 years after the end of the year of issue (tax law)"],
                [
                    "Contract data (orders, delivery, complaints)",
                    "5 years after delivery, the period in which claims can be made",
                ],
                ["Customer account", "until you delete it"],
                ["Newsletter address", "until you unsubscribe"],
                ["Messages", "1 year after our answer"],
            ),
        ],
        "retention_v2": [
            H("How long we keep your data"),
            P(
                "We keep data only as long as we need it for the purpose we collected it for, "
                "or as long as the law requires:"
            ),
            TABLE(
                ["Data", "Kept for"],
                ["Invoices", "10 years after the end of the year of issue (tax law)"],
                [
                    "Contract data (orders, delivery, complaints)",
                    "5 years after delivery, the period in which claims can be made",
                ],
                [
                    "Customer account",
                    "until you delete it, or 3 years after your last sign-in "
                    "(we warn you by email a month before)",
                ],
                ["Newsletter address", "until you unsubscribe"],
                ["Messages", "1 year after our answer"],
            ),
        ],
        "retention_v3": [
            H("How long we keep your data"),
            P(
                "We keep data only as long as we need it for the purpose we collected it for, "
                "or as long as the law requires:"
            ),
            TABLE(
                ["Data", "Kept for"],
                ["Invoices", "10 years after the end of the year of issue (tax law)"],
                [
                    "Contract data (orders, delivery, complaints)",
                    "5 years after delivery, the period in which claims can be made",
                ],
                [
                    "Customer account",
                    "until you delete it, or 3 years after your last sign-in "
                    "(we warn you by email a month before)",
                ],
                ["Recommendations based on your orders", "until you withdraw your consent"],
                ["Product reviews", "until you delete the review or your account"],
                ["Newsletter address", "until you unsubscribe"],
                ["Messages", "1 year after our answer"],
            ),
        ],
        "recipients": [
            H("Who receives your data"),
            P("We do not sell your data. We share only what is needed with:"),
            UL(
                "our payment provider, which processes card payments;",
                "the parcel carrier that delivers your order (name, address, telephone number);",
                "our external accountant, who keeps our books;",
                "the company that hosts our website on servers in the European Union.",
            ),
            P(
                "They may use the data only on our instructions. Your data is not transferred "
                "outside the European Economic Area."
            ),
        ],
        "recipients_v2": [
            H("Who receives your data"),
            P("We do not sell your data. We share only what is needed with:"),
            UL(
                "our payment provider, which processes card payments;",
                "the parcel carrier that delivers your order (name, address, telephone number);",
                "our external accountant, who keeps our books;",
                "the company that hosts our website on servers in the European Union;",
                "the service that sends our newsletter, also within the European Union.",
            ),
            P(
                "They may use the data only on our instructions. Your data is not transferred "
                "outside the European Economic Area."
            ),
        ],
        "rights": [
            H("Your rights"),
            P(
                "You have the right to access your data, to have it corrected or erased, to "
                "restrict or object to its processing, and to receive the data you gave us in a "
                "machine-readable format. In your customer account you can download your data, "
                "change your consents, and deactivate or delete your account yourself.",
                "If you think we handle your data unlawfully, you can complain to the "
                "Information Commissioner of the Republic of Slovenia (Informacijski "
                "pooblaščenec) or to the supervisory authority where you live. We would be "
                "glad if you told us first, so that we can put things right.",
            ),
        ],
        "changes": [
            H("Changes to this policy"),
            P(
                "When we change this policy, we publish the new version on this page with a "
                "short summary of what changed. We publish changes 10 days before they take "
                "effect; changes that do not affect your rights, such as corrections of wording "
                "or a new service provider, may apply at once. For significant changes we also "
                "write to you by email and, where needed, ask you to accept the new version. "
                "Earlier versions remain available on this page."
            ),
        ],
    },
    "sl": {
        "controller": [
            H("Kdo smo"),
            P(
                "Lipa &amp; Co. d.o.o. je majhna družinska trgovina iz Ljubljane, ki prodaja "
                "sipke čaje, zeliščne mešanice in ročno izdelano keramiko v spletni trgovini in "
                "v naši prodajalni na Lipovi ulici 7. Smo upravljavec osebnih podatkov, "
                "opisanih v tej politiki.",
                f"Glede vsega, kar zadeva vaše podatke, nam pišite na {mail(PRIVACY_EMAIL)} ali "
                "po pošti na naslov Lipa &amp; Co. d.o.o., Lipova ulica 7, 1000 Ljubljana. "
                "Odgovorimo v nekaj delovnih dneh, najpozneje pa v enem mesecu.",
            ),
        ],
        "data": [
            H("Katere podatke zbiramo in zakaj"),
            UL(
                "<b>Naročila:</b> vaše ime, naslov za dostavo in naslov za račun, e-poštni "
                "naslov, telefonsko številko in izdelke, ki jih kupite, da lahko naročilo "
                "pripravimo, pošljemo in zanj izdamo račun.",
                "<b>Uporabniški račun:</b> vaše podatke za prijavo, shranjene naslove in "
                "zgodovino naročil, če se odločite za odprtje računa.",
                "<b>Plačila:</b> številke vaše kartice nikoli ne vidimo in je ne hranimo; "
                "ponudnik plačilnih storitev nam sporoči le, ali je bilo plačilo uspešno.",
                "<b>E-novice:</b> vaš e-poštni naslov in jezik, v katerem berete, če se "
                "naročite na naše mesečno pismo o novih letinah in delavnicah.",
                "<b>Sporočila:</b> vse, kar nam napišete po e-pošti ali prek kontaktnega "
                "obrazca, da vam lahko odgovorimo.",
            ),
        ],
        "recommendations": [
            H("Priporočila in ocene"),
            P(
                "Če se s tem strinjate v uporabniškem računu, na podlagi čajev in keramike, ki "
                "ste jih naročili, predlagamo izdelke, ki bi vam utegnili biti všeč – na spletni "
                "strani in v e-novicah. To počnemo sami, brez oglaševalskih omrežij. Priporočila "
                "lahko kadar koli izklopite, profil pa nato izbrišemo.",
                "Ocene izdelkov, ki jih napišete, so javno prikazane z vašim imenom in "
                "začetnico priimka. V uporabniškem računu jih lahko uredite ali izbrišete.",
            ),
        ],
        "basis": [
            H("Pravna podlaga"),
            UL(
                "<b>Pogodba z vami</b> (točka (b) člena 6(1) GDPR): naročila, dostava, "
                "uporabniški račun in reklamacije.",
                "<b>Naše zakonske obveznosti</b> (točka (c) člena 6(1) GDPR): računi in "
                "računovodske listine.",
                "<b>Vaša privolitev</b> (točka (a) člena 6(1) GDPR): e-novice. Privolitev lahko "
                "kadar koli prekličete s povezavo v vsakem pismu ali v uporabniškem računu; "
                "preklic ne vpliva na obdelavo pred njim.",
                "<b>Naš zakoniti interes</b> (točka (f) člena 6(1) GDPR): varovanje trgovine "
                "pred zlorabami in odgovarjanje na vaša sporočila.",
            ),
        ],
        "basis_v3": [
            H("Pravna podlaga"),
            UL(
                "<b>Pogodba z vami</b> (točka (b) člena 6(1) GDPR): naročila, dostava, "
                "uporabniški račun, ocene izdelkov in reklamacije.",
                "<b>Naše zakonske obveznosti</b> (točka (c) člena 6(1) GDPR): računi in "
                "računovodske listine.",
                "<b>Vaša privolitev</b> (točka (a) člena 6(1) GDPR): e-novice in osebna "
                "priporočila. Privolitev lahko kadar koli prekličete s povezavo v vsakem pismu "
                "ali v uporabniškem računu; preklic ne vpliva na obdelavo pred njim.",
                "<b>Naš zakoniti interes</b> (točka (f) člena 6(1) GDPR): varovanje trgovine "
                "pred zlorabami in odgovarjanje na vaša sporočila.",
            ),
        ],
        "retention": [
            H("Kako dolgo hranimo vaše podatke"),
            P(
                "Podatke hranimo le toliko časa, kolikor jih potrebujemo za namen, za katerega "
                "smo jih zbrali, oziroma kolikor zahteva zakon:"
            ),
            TABLE(
                ["Podatki", "Rok hrambe"],
                ["Računi", "10 let po koncu leta, v katerem so bili izdani (davčni predpisi)"],
                [
                    "Pogodbeni podatki (naročila, dostava, reklamacije)",
                    "5 let po dostavi, kolikor traja rok za uveljavljanje zahtevkov",
                ],
                ["Uporabniški račun", "dokler ga ne izbrišete"],
                ["Naslov za e-novice", "dokler se ne odjavite"],
                ["Sporočila", "1 leto po našem odgovoru"],
            ),
        ],
        "retention_v2": [
            H("Kako dolgo hranimo vaše podatke"),
            P(
                "Podatke hranimo le toliko časa, kolikor jih potrebujemo za namen, za katerega "
                "smo jih zbrali, oziroma kolikor zahteva zakon:"
            ),
            TABLE(
                ["Podatki", "Rok hrambe"],
                ["Računi", "10 let po koncu leta, v katerem so bili izdani (davčni predpisi)"],
                [
                    "Pogodbeni podatki (naročila, dostava, reklamacije)",
                    "5 let po dostavi, kolikor traja rok za uveljavljanje zahtevkov",
                ],
                [
                    "Uporabniški račun",
                    "dokler ga ne izbrišete ali 3 leta po vaši zadnji prijavi "
                    "(mesec dni prej vas opozorimo po e-pošti)",
                ],
                ["Naslov za e-novice", "dokler se ne odjavite"],
                ["Sporočila", "1 leto po našem odgovoru"],
            ),
        ],
        "retention_v3": [
            H("Kako dolgo hranimo vaše podatke"),
            P(
                "Podatke hranimo le toliko časa, kolikor jih potrebujemo za namen, za katerega "
                "smo jih zbrali, oziroma kolikor zahteva zakon:"
            ),
            TABLE(
                ["Podatki", "Rok hrambe"],
                ["Računi", "10 let po koncu leta, v katerem so bili izdani (davčni predpisi)"],
                [
                    "Pogodbeni podatki (naročila, dostava, reklamacije)",
                    "5 let po dostavi, kolikor traja rok za uveljavljanje zahtevkov",
                ],
                [
                    "Uporabniški račun",
                    "dokler ga ne izbrišete ali 3 leta po vaši zadnji prijavi "
                    "(mesec dni prej vas opozorimo po e-pošti)",
                ],
                ["Priporočila na podlagi vaših naročil", "dokler ne prekličete privolitve"],
                ["Ocene izdelkov", "dokler ne izbrišete ocene ali uporabniškega računa"],
                ["Naslov za e-novice", "dokler se ne odjavite"],
                ["Sporočila", "1 leto po našem odgovoru"],
            ),
        ],
        "recipients": [
            H("Komu posredujemo vaše podatke"),
            P("Vaših podatkov ne prodajamo. Posredujemo le, kar je nujno potrebno:"),
            UL(
                "ponudniku plačilnih storitev, ki obdeluje plačila s kartico;",
                "dostavni službi, ki vam dostavi paket (ime, naslov, telefonska številka);",
                "zunanjemu računovodskemu servisu, ki vodi naše poslovne knjige;",
                "podjetju, ki gosti našo spletno stran na strežnikih v Evropski uniji.",
            ),
            P(
                "Podatke smejo uporabljati le po naših navodilih. Vaših podatkov ne prenašamo "
                "izven Evropskega gospodarskega prostora."
            ),
        ],
        "recipients_v2": [
            H("Komu posredujemo vaše podatke"),
            P("Vaših podatkov ne prodajamo. Posredujemo le, kar je nujno potrebno:"),
            UL(
                "ponudniku plačilnih storitev, ki obdeluje plačila s kartico;",
                "dostavni službi, ki vam dostavi paket (ime, naslov, telefonska številka);",
                "zunanjemu računovodskemu servisu, ki vodi naše poslovne knjige;",
                "podjetju, ki gosti našo spletno stran na strežnikih v Evropski uniji;",
                "storitvi, ki pošilja naše e-novice, prav tako v Evropski uniji.",
            ),
            P(
                "Podatke smejo uporabljati le po naših navodilih. Vaših podatkov ne prenašamo "
                "izven Evropskega gospodarskega prostora."
            ),
        ],
        "rights": [
            H("Vaše pravice"),
            P(
                "Imate pravico do dostopa do svojih podatkov, do njihovega popravka ali izbrisa, "
                "do omejitve obdelave in ugovora zoper obdelavo ter pravico, da podatke, ki ste "
                "nam jih dali, prejmete v strojno berljivi obliki. V uporabniškem računu lahko "
                "svoje podatke sami prenesete, spremenite privolitve ter račun deaktivirate ali "
                "izbrišete.",
                "Če menite, da vaše podatke obdelujemo nezakonito, lahko vložite pritožbo pri "
                "Informacijskem pooblaščencu Republike Slovenije ali pri nadzornem organu v "
                "državi, kjer živite. Veseli bomo, če nam to najprej sporočite, da lahko stvari "
                "popravimo.",
            ),
        ],
        "changes": [
            H("Spremembe te politike"),
            P(
                "Ko politiko spremenimo, novo različico objavimo na tej strani s kratkim "
                "povzetkom sprememb. Spremembe objavimo 10 dni, preden začnejo veljati; "
                "spremembe, ki ne vplivajo na vaše pravice, na primer jezikovni popravki ali nov "
                "ponudnik storitev, lahko veljajo takoj. O pomembnih spremembah vam pišemo tudi "
                "po e-pošti in vas, kadar je treba, prosimo, da novo različico sprejmete. "
                "Prejšnje različice ostanejo dostopne na tej strani."
            ),
        ],
    },
    "sq": {
        "controller": [
            H("Kush jemi"),
            P(
                "Lipa &amp; Co. d.o.o. është një dyqan i vogël familjar në Lubjanë që shet çaj "
                "me gjethe, përzierje bimore dhe qeramikë të punuar me dorë, në internet dhe në "
                "dyqanin tonë në Lipova ulica 7. Ne jemi kontrolluesi i të dhënave personale të "
                "përshkruara në këtë politikë.",
                f"Për çdo gjë që lidhet me të dhënat tuaja na shkruani në {mail(PRIVACY_EMAIL)} "
                "ose me postë në adresën Lipa &amp; Co. d.o.o., Lipova ulica 7, 1000 Ljubljana, "
                "Slloveni. Përgjigjemi brenda disa ditëve pune dhe jo më vonë se brenda një "
                "muaji.",
            ),
        ],
        "data": [
            H("Çfarë të dhënash mbledhim dhe pse"),
            UL(
                "<b>Porositë:</b> emrin tuaj, adresën e dërgesës dhe të faturimit, adresën e "
                "email-it, numrin e telefonit dhe produktet që blini, që ta përgatisim, ta "
                "dërgojmë dhe ta faturojmë porosinë tuaj.",
                "<b>Llogaria e klientit:</b> të dhënat e hyrjes, adresat e ruajtura dhe "
                "historikun e porosive, nëse vendosni të hapni një llogari.",
                "<b>Pagesat:</b> numrin e kartës suaj nuk e shohim dhe nuk e ruajmë kurrë; "
                "ofruesi ynë i pagesave na njofton vetëm nëse pagesa u krye me sukses.",
                "<b>Buletini:</b> adresën tuaj të email-it dhe gjuhën në të cilën lexoni, nëse "
                "abonoheni në letrën tonë mujore për korrjet e reja dhe punëtoritë.",
                "<b>Mesazhet:</b> çfarëdo që na shkruani me email ose përmes formularit të "
                "kontaktit, që t'ju përgjigjemi.",
            ),
        ],
        "recommendations": [
            H("Rekomandimet dhe vlerësimet"),
            P(
                "Nëse jepni pëlqimin në llogarinë tuaj, shikojmë çajrat dhe qeramikën që keni "
                "porositur dhe ju sugjerojmë produkte që mund t'ju pëlqejnë, në faqen tonë të "
                "internetit dhe në buletin. Këtë e bëjmë vetë, pa rrjete reklamash. Mund ta "
                "çaktivizoni në çdo kohë dhe pas kësaj e fshijmë profilin.",
                "Vlerësimet e produkteve që shkruani shfaqen publikisht me emrin tuaj dhe "
                "inicialin e mbiemrit. Mund t'i ndryshoni ose t'i fshini në llogarinë tuaj.",
            ),
        ],
        "basis": [
            H("Baza ligjore"),
            UL(
                "<b>Kontrata me ju</b> (neni 6(1)(b) i GDPR-së): porositë, dërgesa, llogaria e "
                "klientit dhe ankesat.",
                "<b>Detyrimet tona ligjore</b> (neni 6(1)(c) i GDPR-së): faturat dhe dokumentet "
                "kontabël.",
                "<b>Pëlqimi juaj</b> (neni 6(1)(a) i GDPR-së): buletini. Pëlqimin mund ta "
                "tërhiqni në çdo kohë me lidhjen në çdo buletin ose në llogarinë tuaj; kjo nuk "
                "ndikon në atë që kemi bërë më parë.",
                "<b>Interesi ynë i ligjshëm</b> (neni 6(1)(f) i GDPR-së): mbrojtja e dyqanit nga "
                "mashtrimet dhe përgjigjja ndaj mesazheve tuaja.",
            ),
        ],
        "basis_v3": [
            H("Baza ligjore"),
            UL(
                "<b>Kontrata me ju</b> (neni 6(1)(b) i GDPR-së): porositë, dërgesa, llogaria e "
                "klientit, vlerësimet e produkteve dhe ankesat.",
                "<b>Detyrimet tona ligjore</b> (neni 6(1)(c) i GDPR-së): faturat dhe dokumentet "
                "kontabël.",
                "<b>Pëlqimi juaj</b> (neni 6(1)(a) i GDPR-së): buletini dhe rekomandimet e "
                "personalizuara. Pëlqimin mund ta tërhiqni në çdo kohë me lidhjen në çdo buletin "
                "ose në llogarinë tuaj; kjo nuk ndikon në atë që kemi bërë më parë.",
                "<b>Interesi ynë i ligjshëm</b> (neni 6(1)(f) i GDPR-së): mbrojtja e dyqanit nga "
                "mashtrimet dhe përgjigjja ndaj mesazheve tuaja.",
            ),
        ],
        "retention": [
            H("Sa kohë i ruajmë të dhënat tuaja"),
            P(
                "Të dhënat i ruajmë vetëm për aq kohë sa na nevojiten për qëllimin për të cilin "
                "i kemi mbledhur, ose aq sa kërkon ligji:"
            ),
            TABLE(
                ["Të dhënat", "Afati i ruajtjes"],
                ["Faturat", "10 vjet pas mbarimit të vitit kur janë lëshuar (ligji tatimor)"],
                [
                    "Të dhënat e kontratës (porositë, dërgesa, ankesat)",
                    "5 vjet pas dorëzimit, aq sa zgjat afati për paraqitjen e pretendimeve",
                ],
                ["Llogaria e klientit", "derisa ta fshini"],
                ["Adresa për buletinin", "derisa të çregjistroheni"],
                ["Mesazhet", "1 vit pas përgjigjes sonë"],
            ),
        ],
        "retention_v2": [
            H("Sa kohë i ruajmë të dhënat tuaja"),
            P(
                "Të dhënat i ruajmë vetëm për aq kohë sa na nevojiten për qëllimin për të cilin "
                "i kemi mbledhur, ose aq sa kërkon ligji:"
            ),
            TABLE(
                ["Të dhënat", "Afati i ruajtjes"],
                ["Faturat", "10 vjet pas mbarimit të vitit kur janë lëshuar (ligji tatimor)"],
                [
                    "Të dhënat e kontratës (porositë, dërgesa, ankesat)",
                    "5 vjet pas dorëzimit, aq sa zgjat afati për paraqitjen e pretendimeve",
                ],
                [
                    "Llogaria e klientit",
                    "derisa ta fshini, ose 3 vjet pas hyrjes suaj të fundit "
                    "(ju paralajmërojmë me email një muaj më parë)",
                ],
                ["Adresa për buletinin", "derisa të çregjistroheni"],
                ["Mesazhet", "1 vit pas përgjigjes sonë"],
            ),
        ],
        "retention_v3": [
            H("Sa kohë i ruajmë të dhënat tuaja"),
            P(
                "Të dhënat i ruajmë vetëm për aq kohë sa na nevojiten për qëllimin për të cilin "
                "i kemi mbledhur, ose aq sa kërkon ligji:"
            ),
            TABLE(
                ["Të dhënat", "Afati i ruajtjes"],
                ["Faturat", "10 vjet pas mbarimit të vitit kur janë lëshuar (ligji tatimor)"],
                [
                    "Të dhënat e kontratës (porositë, dërgesa, ankesat)",
                    "5 vjet pas dorëzimit, aq sa zgjat afati për paraqitjen e pretendimeve",
                ],
                [
                    "Llogaria e klientit",
                    "derisa ta fshini, ose 3 vjet pas hyrjes suaj të fundit "
                    "(ju paralajmërojmë me email një muaj më parë)",
                ],
                ["Rekomandimet bazuar në porositë tuaja", "derisa ta tërhiqni pëlqimin"],
                ["Vlerësimet e produkteve", "derisa të fshini vlerësimin ose llogarinë"],
                ["Adresa për buletinin", "derisa të çregjistroheni"],
                ["Mesazhet", "1 vit pas përgjigjes sonë"],
            ),
        ],
        "recipients": [
            H("Kush i merr të dhënat tuaja"),
            P("Ne nuk i shesim të dhënat tuaja. Ndajmë vetëm atë që është e nevojshme me:"),
            UL(
                "ofruesin tonë të pagesave, i cili përpunon pagesat me kartë;",
                "korrierin që ju sjell pakon (emri, adresa, numri i telefonit);",
                "kontabilistin tonë të jashtëm, i cili mban librat tanë;",
                "kompaninë që strehon faqen tonë të internetit në serverë brenda Bashkimit "
                "Evropian.",
            ),
            P(
                "Ata mund t'i përdorin të dhënat vetëm sipas udhëzimeve tona. Të dhënat tuaja "
                "nuk transferohen jashtë Zonës Ekonomike Evropiane."
            ),
        ],
        "recipients_v2": [
            H("Kush i merr të dhënat tuaja"),
            P("Ne nuk i shesim të dhënat tuaja. Ndajmë vetëm atë që është e nevojshme me:"),
            UL(
                "ofruesin tonë të pagesave, i cili përpunon pagesat me kartë;",
                "korrierin që ju sjell pakon (emri, adresa, numri i telefonit);",
                "kontabilistin tonë të jashtëm, i cili mban librat tanë;",
                "kompaninë që strehon faqen tonë të internetit në serverë brenda Bashkimit "
                "Evropian;",
                "shërbimin që dërgon buletinin tonë, gjithashtu brenda Bashkimit Evropian.",
            ),
            P(
                "Ata mund t'i përdorin të dhënat vetëm sipas udhëzimeve tona. Të dhënat tuaja "
                "nuk transferohen jashtë Zonës Ekonomike Evropiane."
            ),
        ],
        "rights": [
            H("Të drejtat tuaja"),
            P(
                "Keni të drejtë të njiheni me të dhënat tuaja, t'i korrigjoni ose t'i fshini, "
                "të kufizoni përpunimin e tyre ose ta kundërshtoni atë, si dhe t'i merrni të "
                "dhënat që na keni dhënë në një format të lexueshëm nga kompjuteri. Në llogarinë "
                "tuaj mund t'i shkarkoni vetë të dhënat, të ndryshoni pëlqimet dhe ta "
                "çaktivizoni ose ta fshini llogarinë.",
                "Nëse mendoni se i përpunojmë të dhënat tuaja në mënyrë të paligjshme, mund të "
                "paraqisni ankesë te Komisioneri i Informacionit i Republikës së Sllovenisë "
                "(Informacijski pooblaščenec) ose tek autoriteti mbikëqyrës i vendit ku jetoni. "
                "Do të na vinte mirë nëse na e thoni më parë neve, që ta ndreqim gjendjen.",
            ),
        ],
        "changes": [
            H("Ndryshimet në këtë politikë"),
            P(
                "Kur e ndryshojmë këtë politikë, versionin e ri e publikojmë në këtë faqe me një "
                "përmbledhje të shkurtër të ndryshimeve. Ndryshimet i publikojmë 10 ditë para se "
                "të hyjnë në fuqi; ndryshimet që nuk prekin të drejtat tuaja, si korrigjimet "
                "gjuhësore ose një ofrues i ri shërbimesh, mund të vlejnë menjëherë. Për "
                "ndryshimet e rëndësishme ju shkruajmë edhe me email dhe, kur nevojitet, ju "
                "kërkojmë ta pranoni versionin e ri. Versionet e mëparshme mbeten të "
                "disponueshme në këtë faqe."
            ),
        ],
    },
    "hr": {
        "controller": [
            H("Tko smo"),
            P(
                "Lipa &amp; Co. d.o.o. mala je obiteljska trgovina iz Ljubljane koja prodaje "
                "čajeve u rinfuzi, biljne mješavine i ručno izrađenu keramiku putem interneta i "
                "u našoj trgovini na adresi Lipova ulica 7. Mi smo voditelj obrade osobnih "
                "podataka opisanih u ovoj politici.",
                f"Za sve što se tiče vaših podataka pišite nam na {mail(PRIVACY_EMAIL)} ili "
                "poštom na adresu Lipa &amp; Co. d.o.o., Lipova ulica 7, 1000 Ljubljana, "
                "Slovenija. Odgovaramo u roku od nekoliko radnih dana, a najkasnije u roku od "
                "mjesec dana.",
            ),
        ],
        "data": [
            H("Koje podatke prikupljamo i zašto"),
            UL(
                "<b>Narudžbe:</b> vaše ime, adresu za dostavu i adresu za račun, adresu e-pošte, "
                "broj telefona i proizvode koje kupujete, kako bismo narudžbu mogli pripremiti, "
                "poslati i za nju izdati račun.",
                "<b>Korisnički račun:</b> podatke za prijavu, spremljene adrese i povijest "
                "narudžbi, ako odlučite otvoriti račun.",
                "<b>Plaćanja:</b> broj vaše kartice nikada ne vidimo i ne pohranjujemo; "
                "pružatelj platnih usluga javlja nam samo je li plaćanje uspjelo.",
                "<b>Newsletter:</b> vašu adresu e-pošte i jezik na kojem čitate, ako se "
                "pretplatite na naše mjesečno pismo o novim berbama i radionicama.",
                "<b>Poruke:</b> sve što nam napišete e-poštom ili putem kontaktnog obrasca, "
                "kako bismo vam mogli odgovoriti.",
            ),
        ],
        "recommendations": [
            H("Preporuke i recenzije"),
            P(
                "Ako se s time složite u korisničkom računu, na temelju čajeva i keramike koje "
                "ste naručili predlažemo proizvode koji bi vam se mogli svidjeti, na našim "
                "mrežnim stranicama i u newsletteru. To radimo sami, bez oglašivačkih mreža. "
                "Preporuke možete isključiti u bilo kojem trenutku, a profil tada brišemo.",
                "Recenzije proizvoda koje napišete javno se prikazuju s vašim imenom i početnim "
                "slovom prezimena. Možete ih urediti ili izbrisati u korisničkom računu.",
            ),
        ],
        "basis": [
            H("Pravna osnova"),
            UL(
                "<b>Ugovor s vama</b> (članak 6. stavak 1. točka (b) GDPR-a): narudžbe, "
                "dostava, korisnički račun i reklamacije.",
                "<b>Naše zakonske obveze</b> (članak 6. stavak 1. točka (c) GDPR-a): računi i "
                "računovodstvena dokumentacija.",
                "<b>Vaša privola</b> (članak 6. stavak 1. točka (a) GDPR-a): newsletter. "
                "Privolu možete u svakom trenutku povući putem poveznice u svakom newsletteru "
                "ili u korisničkom računu; to ne utječe na obradu prije povlačenja.",
                "<b>Naš legitimni interes</b> (članak 6. stavak 1. točka (f) GDPR-a): zaštita "
                "trgovine od prijevara i odgovaranje na vaše poruke.",
            ),
        ],
        "basis_v3": [
            H("Pravna osnova"),
            UL(
                "<b>Ugovor s vama</b> (članak 6. stavak 1. točka (b) GDPR-a): narudžbe, "
                "dostava, korisnički račun, recenzije proizvoda i reklamacije.",
                "<b>Naše zakonske obveze</b> (članak 6. stavak 1. točka (c) GDPR-a): računi i "
                "računovodstvena dokumentacija.",
                "<b>Vaša privola</b> (članak 6. stavak 1. točka (a) GDPR-a): newsletter i "
                "personalizirane preporuke. Privolu možete u svakom trenutku povući putem "
                "poveznice u svakom newsletteru ili u korisničkom računu; to ne utječe na "
                "obradu prije povlačenja.",
                "<b>Naš legitimni interes</b> (članak 6. stavak 1. točka (f) GDPR-a): zaštita "
                "trgovine od prijevara i odgovaranje na vaše poruke.",
            ),
        ],
        "retention": [
            H("Koliko dugo čuvamo vaše podatke"),
            P(
                "Podatke čuvamo samo onoliko dugo koliko su nam potrebni za svrhu za koju smo ih "
                "prikupili ili koliko to zahtijeva zakon:"
            ),
            TABLE(
                ["Podaci", "Rok čuvanja"],
                ["Računi", "10 godina nakon isteka godine u kojoj su izdani (porezni propisi)"],
                [
                    "Podaci o ugovoru (narudžbe, dostava, reklamacije)",
                    "5 godina nakon dostave, koliko traje rok za ostvarivanje zahtjeva",
                ],
                ["Korisnički račun", "dok ga ne izbrišete"],
                ["Adresa za newsletter", "dok se ne odjavite"],
                ["Poruke", "1 godinu nakon našeg odgovora"],
            ),
        ],
        "retention_v2": [
            H("Koliko dugo čuvamo vaše podatke"),
            P(
                "Podatke čuvamo samo onoliko dugo koliko su nam potrebni za svrhu za koju smo ih "
                "prikupili ili koliko to zahtijeva zakon:"
            ),
            TABLE(
                ["Podaci", "Rok čuvanja"],
                ["Računi", "10 godina nakon isteka godine u kojoj su izdani (porezni propisi)"],
                [
                    "Podaci o ugovoru (narudžbe, dostava, reklamacije)",
                    "5 godina nakon dostave, koliko traje rok za ostvarivanje zahtjeva",
                ],
                [
                    "Korisnički račun",
                    "dok ga ne izbrišete ili 3 godine nakon vaše posljednje prijave "
                    "(mjesec dana ranije upozorit ćemo vas e-poštom)",
                ],
                ["Adresa za newsletter", "dok se ne odjavite"],
                ["Poruke", "1 godinu nakon našeg odgovora"],
            ),
        ],
        "retention_v3": [
            H("Koliko dugo čuvamo vaše podatke"),
            P(
                "Podatke čuvamo samo onoliko dugo koliko su nam potrebni za svrhu za koju smo ih "
                "prikupili ili koliko to zahtijeva zakon:"
            ),
            TABLE(
                ["Podaci", "Rok čuvanja"],
                ["Računi", "10 godina nakon isteka godine u kojoj su izdani (porezni propisi)"],
                [
                    "Podaci o ugovoru (narudžbe, dostava, reklamacije)",
                    "5 godina nakon dostave, koliko traje rok za ostvarivanje zahtjeva",
                ],
                [
                    "Korisnički račun",
                    "dok ga ne izbrišete ili 3 godine nakon vaše posljednje prijave "
                    "(mjesec dana ranije upozorit ćemo vas e-poštom)",
                ],
                ["Preporuke na temelju vaših narudžbi", "dok ne povučete privolu"],
                ["Recenzije proizvoda", "dok ne izbrišete recenziju ili korisnički račun"],
                ["Adresa za newsletter", "dok se ne odjavite"],
                ["Poruke", "1 godinu nakon našeg odgovora"],
            ),
        ],
        "recipients": [
            H("Kome prosljeđujemo vaše podatke"),
            P("Vaše podatke ne prodajemo. Dijelimo samo ono što je nužno, i to s:"),
            UL(
                "pružateljem platnih usluga koji obrađuje plaćanja karticom;",
                "dostavnom službom koja vam dostavlja paket (ime, adresa, broj telefona);",
                "vanjskim knjigovodstvenim servisom koji vodi naše poslovne knjige;",
                "tvrtkom koja nam udomljuje mrežne stranice na poslužiteljima u Europskoj uniji.",
            ),
            P(
                "Podatke smiju upotrebljavati samo prema našim uputama. Vaši se podaci ne "
                "prenose izvan Europskog gospodarskog prostora."
            ),
        ],
        "recipients_v2": [
            H("Kome prosljeđujemo vaše podatke"),
            P("Vaše podatke ne prodajemo. Dijelimo samo ono što je nužno, i to s:"),
            UL(
                "pružateljem platnih usluga koji obrađuje plaćanja karticom;",
                "dostavnom službom koja vam dostavlja paket (ime, adresa, broj telefona);",
                "vanjskim knjigovodstvenim servisom koji vodi naše poslovne knjige;",
                "tvrtkom koja nam udomljuje mrežne stranice na poslužiteljima u Europskoj uniji;",
                "servisom koji šalje naš newsletter, također u Europskoj uniji.",
            ),
            P(
                "Podatke smiju upotrebljavati samo prema našim uputama. Vaši se podaci ne "
                "prenose izvan Europskog gospodarskog prostora."
            ),
        ],
        "rights": [
            H("Vaša prava"),
            P(
                "Imate pravo na pristup svojim podacima, na njihov ispravak ili brisanje, na "
                "ograničenje obrade i prigovor na obradu te pravo da podatke koje ste nam dali "
                "dobijete u strojno čitljivom obliku. U korisničkom računu možete sami preuzeti "
                "svoje podatke, promijeniti privole te deaktivirati ili izbrisati račun.",
                "Ako smatrate da vaše podatke obrađujemo nezakonito, možete podnijeti pritužbu "
                "slovenskom Informacijskom povjereniku (Informacijski pooblaščenec) ili "
                "nadzornom tijelu u državi u kojoj živite. Bit će nam drago ako nam se najprije "
                "obratite, kako bismo to mogli ispraviti.",
            ),
        ],
        "changes": [
            H("Izmjene ove politike"),
            P(
                "Kada izmijenimo ovu politiku, novu verziju objavljujemo na ovoj stranici s "
                "kratkim sažetkom izmjena. Izmjene objavljujemo 10 dana prije nego što stupe na "
                "snagu; izmjene koje ne utječu na vaša prava, primjerice jezični ispravci ili "
                "novi pružatelj usluga, mogu vrijediti odmah. O važnim izmjenama pišemo vam i "
                "e-poštom te vas, kada je potrebno, molimo da prihvatite novu verziju. "
                "Prethodne verzije ostaju dostupne na ovoj stranici."
            ),
        ],
    },
}

PRIVACY_POLICY = {
    "slug": "privacy-policy",
    "kind": "privacy",
    "requires_acceptance": True,
    "title": {
        "en": "Privacy policy",
        "sl": "Politika zasebnosti",
        "sq": "Politika e privatësisë",
        "hr": "Politika privatnosti",
    },
    "sections": PRIVACY_SECTIONS,
    "versions": [
        {
            "change_level": "editorial",
            "published_days_ago": 400,
            "effective_day": None,
            "sections": [
                "controller",
                "data",
                "basis",
                "retention",
                "recipients",
                "rights",
                "changes",
            ],
            "summary": {
                "en": "First published version.",
                "sl": "Prva objavljena različica.",
                "sq": "Versioni i parë i publikuar.",
                "hr": "Prva objavljena verzija.",
            },
        },
        {
            "change_level": "minor",
            "published_days_ago": 120,
            "effective_day": None,
            "sections": [
                "controller",
                "data",
                "basis",
                "retention_v2",
                "recipients_v2",
                "rights",
                "changes",
            ],
            "summary": {
                "en": (
                    "We now delete customer accounts that have not been used for three years, "
                    "after warning you by email a month before. The service that sends our "
                    "newsletter is now listed among the recipients."
                ),
                "sl": (
                    "Uporabniške račune, ki jih tri leta ne uporabljate, po novem izbrišemo, "
                    "mesec dni prej pa vas na to opozorimo po e-pošti. Med prejemnike smo "
                    "dodali storitev, ki pošilja naše e-novice."
                ),
                "sq": (
                    "Tani i fshijmë llogaritë e klientëve që nuk janë përdorur prej tre "
                    "vjetësh, pasi t'ju kemi paralajmëruar me email një muaj më parë. Shërbimi "
                    "që dërgon buletinin tonë tani renditet ndër marrësit."
                ),
                "hr": (
                    "Korisničke račune koji se ne koriste tri godine sada brišemo, a mjesec "
                    "dana ranije upozorit ćemo vas e-poštom. Među primatelje smo dodali servis "
                    "koji šalje naš newsletter."
                ),
            },
        },
        {
            # Announced a week ago; takes effect at midnight in a few days (upcoming).
            "change_level": "major",
            "published_days_ago": 7,
            "effective_day": 4,
            "sections": [
                "controller",
                "data",
                "recommendations",
                "basis_v3",
                "retention_v3",
                "recipients_v2",
                "rights",
                "changes",
            ],
            "summary": {
                "en": (
                    "New: personalised recommendations based on your orders (only if you "
                    "agree), and product reviews shown publicly with your first name and the "
                    "initial of your surname. Please read and accept the new policy."
                ),
                "sl": (
                    "Novo: osebna priporočila na podlagi vaših naročil (le če se s tem "
                    "strinjate) in javno prikazane ocene izdelkov z vašim imenom in začetnico "
                    "priimka. Prosimo, preberite in sprejmite novo politiko."
                ),
                "sq": (
                    "E re: rekomandime të personalizuara bazuar në porositë tuaja (vetëm nëse "
                    "jepni pëlqimin) dhe vlerësime të produkteve të shfaqura publikisht me "
                    "emrin tuaj dhe inicialin e mbiemrit. Ju lutemi lexojeni dhe pranojeni "
                    "politikën e re."
                ),
                "hr": (
                    "Novo: personalizirane preporuke na temelju vaših narudžbi (samo ako se s "
                    "time složite) i javno prikazane recenzije proizvoda s vašim imenom i "
                    "početnim slovom prezimena. Molimo pročitajte i prihvatite novu politiku."
                ),
            },
        },
    ],
}

# --------------------------------------------------------------------------------------------
# Terms of sale
# --------------------------------------------------------------------------------------------

TERMS_SECTIONS = {
    "en": {
        "seller": [
            H("The seller"),
            P(
                "These terms apply to purchases in the online shop of Lipa &amp; Co. d.o.o., "
                f"Lipova ulica 7, 1000 Ljubljana, Slovenia ({mail(SHOP_EMAIL)}). By placing an "
                "order you confirm that you have read them."
            ),
        ],
        "ordering": [
            H("Ordering"),
            P(
                "Choose your products, put them in the basket and confirm the order in the last "
                "step. We email you as soon as we receive your order, and again when we accept "
                "it; the contract is concluded with the second email. We keep the contract in "
                "electronic form and send it to you with the confirmation.",
                "Our teas are natural products and our ceramics are made by hand, so colours, "
                "glazes and shapes may differ slightly from the photographs. This is not a "
                "defect.",
            ),
        ],
        "prices": [
            H("Prices"),
            P(
                "Prices are in euros and include VAT. Delivery costs are shown in the basket "
                "before you confirm the order. The price shown when you place the order is the "
                "one that applies."
            ),
        ],
        "payment": [
            H("Payment"),
            UL(
                "by payment card when you order;",
                "by bank transfer to our account within 5 days (we send the goods when the "
                "payment arrives).",
            ),
        ],
        "payment_v2": [
            H("Payment"),
            UL(
                "by payment card when you order;",
                "by bank transfer to our account within 5 days (we send the goods when the "
                "payment arrives);",
                "on delivery, in cash or by card to the courier (extra charge €1.50).",
            ),
        ],
        "delivery": [
            H("Delivery"),
            P(
                "We deliver within Slovenia only. We pack orders within 2 working days, and the "
                "parcel usually arrives 1–2 working days later. Delivery is free for orders "
                "over €40. We wrap ceramics in recycled paper and pack them in double cardboard."
            ),
        ],
        "delivery_v3": [
            H("Delivery"),
            P(
                "We deliver to Slovenia, Croatia and the other countries of the European Union. "
                "We pack orders within 2 working days; parcels arrive 1–2 working days later in "
                "Slovenia, 2–4 in Croatia and 3–7 elsewhere in the EU. Delivery within Slovenia "
                "is free for orders over €40; the cost for other countries is shown in the "
                "basket. We wrap ceramics in recycled paper and pack them in double cardboard."
            ),
        ],
        "withdrawal": [
            H("Right of withdrawal"),
            P(
                "If you are a consumer, you may withdraw from the contract within 14 days of "
                "receiving the goods without giving a reason. Tell us with a clear statement by "
                "email or by post; you can also use the withdrawal form in your account. Send "
                "the goods back within 14 days of your notice; you bear the cost of returning "
                "them.",
                "We refund everything you paid, including standard delivery, within 14 days of "
                "receiving your notice, but we may wait until the goods are back with us. Tea "
                "in sealed packaging that you have opened cannot be returned, for reasons of "
                "health protection and hygiene.",
            ),
        ],
        "complaints": [
            H("Complaints and guarantee"),
            P(
                "If a product arrives damaged or does not match your order, please tell us "
                f"within 8 days at {mail(SHOP_EMAIL)} and attach a photo. We will send you a new "
                "product or refund the price, as you prefer. Your statutory rights for goods "
                "that do not conform to the contract remain unaffected."
            ),
        ],
        "disputes": [
            H("Disputes"),
            P(
                "We try to settle every complaint by agreement. If we cannot agree, you may "
                "turn to an out-of-court consumer dispute resolution body or to the competent "
                "court. Slovenian law applies, without depriving you of the protection that the "
                "law of the country where you live gives you as a consumer."
            ),
        ],
    },
    "sl": {
        "seller": [
            H("Prodajalec"),
            P(
                "Ti pogoji veljajo za nakupe v spletni trgovini družbe Lipa &amp; Co. d.o.o., "
                f"Lipova ulica 7, 1000 Ljubljana ({mail(SHOP_EMAIL)}). Z oddajo naročila "
                "potrjujete, da ste jih prebrali."
            ),
        ],
        "ordering": [
            H("Naročanje"),
            P(
                "Izberite izdelke, jih dodajte v košarico in naročilo potrdite v zadnjem koraku. "
                "Ko naročilo prejmemo, vam takoj pošljemo e-poštno sporočilo, ko ga sprejmemo, "
                "pa še drugo; pogodba je sklenjena z drugim sporočilom. Pogodbo hranimo v "
                "elektronski obliki in vam jo pošljemo skupaj s potrditvijo.",
                "Naši čaji so naravni izdelki, keramika pa je ročno izdelana, zato se barve, "
                "glazure in oblike lahko nekoliko razlikujejo od fotografij. To ni napaka.",
            ),
        ],
        "prices": [
            H("Cene"),
            P(
                "Cene so v evrih in vključujejo DDV. Stroški dostave so prikazani v košarici, "
                "preden naročilo potrdite. Velja cena, prikazana ob oddaji naročila."
            ),
        ],
        "payment": [
            H("Plačilo"),
            UL(
                "s plačilno kartico ob naročilu;",
                "z bančnim nakazilom na naš račun v 5 dneh (blago pošljemo, ko prejmemo plačilo).",
            ),
        ],
        "payment_v2": [
            H("Plačilo"),
            UL(
                "s plačilno kartico ob naročilu;",
                "z bančnim nakazilom na naš račun v 5 dneh (blago pošljemo, ko prejmemo plačilo);",
                "po povzetju, z gotovino ali s kartico pri dostavljavcu (doplačilo 1,50 €).",
            ),
        ],
        "delivery": [
            H("Dostava"),
            P(
                "Dostavljamo samo po Sloveniji. Naročila pripravimo v 2 delovnih dneh, paket pa "
                "običajno prispe 1–2 delovna dneva pozneje. Dostava je brezplačna za naročila "
                "nad 40 €. Keramiko zavijemo v reciklirani papir in zapakiramo v dvojno "
                "lepenko."
            ),
        ],
        "delivery_v3": [
            H("Dostava"),
            P(
                "Dostavljamo po Sloveniji, na Hrvaško in v druge države Evropske unije. "
                "Naročila pripravimo v 2 delovnih dneh; paket prispe po Sloveniji 1–2 delovna "
                "dneva pozneje, na Hrvaško v 2–4, drugam v EU pa v 3–7 delovnih dneh. Dostava "
                "po Sloveniji je brezplačna za naročila nad 40 €, stroški dostave v druge "
                "države pa so prikazani v košarici. Keramiko zavijemo v reciklirani papir in "
                "zapakiramo v dvojno lepenko."
            ),
        ],
        "withdrawal": [
            H("Odstop od pogodbe"),
            P(
                "Če ste potrošnik, lahko v 14 dneh od prejema blaga odstopite od pogodbe, ne da "
                "bi navedli razlog. To nam sporočite z nedvoumno izjavo po e-pošti ali po "
                "pošti; uporabite lahko tudi obrazec za odstop v uporabniškem računu. Blago nam "
                "vrnite najpozneje v 14 dneh od sporočila; stroške vračila krijete sami.",
                "Vse, kar ste plačali, vključno s stroški standardne dostave, vam vrnemo v 14 "
                "dneh od prejema vašega sporočila, vendar lahko počakamo, dokler blaga ne "
                "prejmemo nazaj. Čaja v zapečateni embalaži, ki ste jo odprli, iz razlogov "
                "varovanja zdravja in higiene ni mogoče vrniti.",
            ),
        ],
        "complaints": [
            H("Reklamacije in jamstvo"),
            P(
                "Če izdelek prispe poškodovan ali ne ustreza naročilu, nam to v 8 dneh sporočite "
                f"na {mail(SHOP_EMAIL)} in priložite fotografijo. Po vaši izbiri vam pošljemo "
                "nov izdelek ali vrnemo kupnino. Vaše zakonske pravice glede blaga, ki ni "
                "skladno s pogodbo, ostanejo nespremenjene."
            ),
        ],
        "disputes": [
            H("Spori"),
            P(
                "Vsako pritožbo skušamo rešiti sporazumno. Če dogovor ni mogoč, se lahko "
                "obrnete na izvajalca izvensodnega reševanja potrošniških sporov ali na "
                "pristojno sodišče. Velja slovensko pravo, kar vam ne odvzame varstva, ki vam "
                "ga kot potrošniku zagotavlja pravo države, v kateri živite."
            ),
        ],
    },
    "sq": {
        "seller": [
            H("Shitësi"),
            P(
                "Këto kushte zbatohen për blerjet në dyqanin online të Lipa &amp; Co. d.o.o., "
                f"Lipova ulica 7, 1000 Ljubljana, Slloveni ({mail(SHOP_EMAIL)}). Duke bërë një "
                "porosi, konfirmoni se i keni lexuar."
            ),
        ],
        "ordering": [
            H("Porositja"),
            P(
                "Zgjidhni produktet, vendosini në shportë dhe konfirmoni porosinë në hapin e "
                "fundit. Sapo ta marrim porosinë, ju dërgojmë një email, dhe një tjetër kur e "
                "pranojmë; kontrata lidhet me email-in e dytë. Kontratën e ruajmë në formë "
                "elektronike dhe jua dërgojmë bashkë me konfirmimin.",
                "Çajrat tanë janë produkte natyrale dhe qeramika jonë punohet me dorë, prandaj "
                "ngjyrat, glazurat dhe format mund të ndryshojnë pak nga fotografitë. Kjo nuk "
                "është defekt.",
            ),
        ],
        "prices": [
            H("Çmimet"),
            P(
                "Çmimet janë në euro dhe përfshijnë TVSH-në. Kostot e dërgesës shfaqen në "
                "shportë para se ta konfirmoni porosinë. Vlen çmimi i shfaqur në çastin kur "
                "bëni porosinë."
            ),
        ],
        "payment": [
            H("Pagesa"),
            UL(
                "me kartë pagese gjatë porosisë;",
                "me transfertë bankare në llogarinë tonë brenda 5 ditëve (mallin e dërgojmë "
                "kur të mbërrijë pagesa).",
            ),
        ],
        "payment_v2": [
            H("Pagesa"),
            UL(
                "me kartë pagese gjatë porosisë;",
                "me transfertë bankare në llogarinë tonë brenda 5 ditëve (mallin e dërgojmë "
                "kur të mbërrijë pagesa);",
                "në dorëzim, me para në dorë ose me kartë te korrieri (tarifë shtesë 1,50 €).",
            ),
        ],
        "delivery": [
            H("Dërgesa"),
            P(
                "Dërgojmë vetëm brenda Sllovenisë. Porositë i përgatisim brenda 2 ditëve pune "
                "dhe pakoja zakonisht mbërrin 1–2 ditë pune më vonë. Dërgesa është falas për "
                "porositë mbi 40 €. Qeramikën e mbështjellim me letër të ricikluar dhe e "
                "paketojmë në karton të dyfishtë."
            ),
        ],
        "delivery_v3": [
            H("Dërgesa"),
            P(
                "Dërgojmë në Slloveni, në Kroaci dhe në vendet e tjera të Bashkimit Evropian. "
                "Porositë i përgatisim brenda 2 ditëve pune; pakoja mbërrin në Slloveni 1–2 "
                "ditë pune më vonë, në Kroaci 2–4 dhe në vendet e tjera të BE-së 3–7. Dërgesa "
                "brenda Sllovenisë është falas për porositë mbi 40 €; kostoja për vendet e "
                "tjera shfaqet në shportë. Qeramikën e mbështjellim me letër të ricikluar dhe e "
                "paketojmë në karton të dyfishtë."
            ),
        ],
        "withdrawal": [
            H("E drejta e tërheqjes"),
            P(
                "Nëse jeni konsumator, mund të tërhiqeni nga kontrata brenda 14 ditëve nga "
                "marrja e mallit, pa dhënë arsye. Na njoftoni me një deklaratë të qartë me "
                "email ose me postë; mund të përdorni edhe formularin e tërheqjes në llogarinë "
                "tuaj. Kthejeni mallin brenda 14 ditëve nga njoftimi; kostot e kthimit i "
                "përballoni ju.",
                "Ju kthejmë gjithçka që keni paguar, përfshirë dërgesën standarde, brenda 14 "
                "ditëve nga marrja e njoftimit tuaj, por mund të presim derisa malli të na "
                "kthehet. Çaji në paketim të vulosur që e keni hapur nuk mund të kthehet, për "
                "arsye të mbrojtjes së shëndetit dhe të higjienës.",
            ),
        ],
        "complaints": [
            H("Ankesat dhe garancia"),
            P(
                "Nëse një produkt mbërrin i dëmtuar ose nuk përputhet me porosinë, na njoftoni "
                f"brenda 8 ditëve në {mail(SHOP_EMAIL)} dhe bashkëngjitni një fotografi. Sipas "
                "zgjedhjes suaj, ju dërgojmë një produkt të ri ose jua kthejmë çmimin. Të "
                "drejtat tuaja ligjore për mallrat që nuk janë në përputhje me kontratën mbeten "
                "të paprekura."
            ),
        ],
        "disputes": [
            H("Mosmarrëveshjet"),
            P(
                "Përpiqemi ta zgjidhim çdo ankesë me marrëveshje. Nëse nuk merremi vesh, mund "
                "t'i drejtoheni një organi për zgjidhjen jashtëgjyqësore të mosmarrëveshjeve të "
                "konsumatorëve ose gjykatës kompetente. Zbatohet ligji slloven, pa ju hequr "
                "mbrojtjen që ju jep si konsumator ligji i vendit ku jetoni."
            ),
        ],
    },
    "hr": {
        "seller": [
            H("Prodavatelj"),
            P(
                "Ovi uvjeti vrijede za kupnju u internetskoj trgovini društva Lipa &amp; Co. "
                f"d.o.o., Lipova ulica 7, 1000 Ljubljana, Slovenija ({mail(SHOP_EMAIL)}). "
                "Slanjem narudžbe potvrđujete da ste ih pročitali."
            ),
        ],
        "ordering": [
            H("Naručivanje"),
            P(
                "Odaberite proizvode, stavite ih u košaricu i potvrdite narudžbu u posljednjem "
                "koraku. Čim zaprimimo narudžbu, šaljemo vam e-poruku, a kad je prihvatimo, još "
                "jednu; ugovor je sklopljen drugom porukom. Ugovor čuvamo u elektroničkom "
                "obliku i šaljemo vam ga uz potvrdu.",
                "Naši su čajevi prirodni proizvodi, a keramika je ručno izrađena, pa se boje, "
                "glazure i oblici mogu malo razlikovati od fotografija. To nije nedostatak.",
            ),
        ],
        "prices": [
            H("Cijene"),
            P(
                "Cijene su izražene u eurima i uključuju PDV. Troškovi dostave prikazani su u "
                "košarici prije nego što potvrdite narudžbu. Vrijedi cijena prikazana u "
                "trenutku slanja narudžbe."
            ),
        ],
        "payment": [
            H("Plaćanje"),
            UL(
                "platnom karticom pri narudžbi;",
                "bankovnom uplatom na naš račun u roku od 5 dana (robu šaljemo kada uplata "
                "stigne).",
            ),
        ],
        "payment_v2": [
            H("Plaćanje"),
            UL(
                "platnom karticom pri narudžbi;",
                "bankovnom uplatom na naš račun u roku od 5 dana (robu šaljemo kada uplata "
                "stigne);",
                "pouzećem, gotovinom ili karticom dostavljaču (doplata 1,50 €).",
            ),
        ],
        "delivery": [
            H("Dostava"),
            P(
                "Dostavljamo samo unutar Slovenije. Narudžbe pripremamo u roku od 2 radna dana, "
                "a paket obično stiže 1–2 radna dana kasnije. Dostava je besplatna za narudžbe "
                "iznad 40 €. Keramiku zamatamo u reciklirani papir i pakiramo u dvostruki "
                "karton."
            ),
        ],
        "delivery_v3": [
            H("Dostava"),
            P(
                "Dostavljamo u Sloveniju, Hrvatsku i ostale države Europske unije. Narudžbe "
                "pripremamo u roku od 2 radna dana; paket u Sloveniju stiže 1–2 radna dana "
                "kasnije, u Hrvatsku za 2–4, a u ostale države EU-a za 3–7 radnih dana. Dostava "
                "unutar Slovenije besplatna je za narudžbe iznad 40 €, a troškovi dostave u "
                "druge države prikazani su u košarici. Keramiku zamatamo u reciklirani papir i "
                "pakiramo u dvostruki karton."
            ),
        ],
        "withdrawal": [
            H("Pravo na jednostrani raskid ugovora"),
            P(
                "Ako ste potrošač, možete jednostrano raskinuti ugovor u roku od 14 dana od "
                "primitka robe bez navođenja razloga. O tome nas obavijestite nedvosmislenom "
                "izjavom e-poštom ili poštom; možete upotrijebiti i obrazac za raskid u "
                "korisničkom računu. Robu nam vratite u roku od 14 dana od obavijesti; troškove "
                "povrata snosite sami.",
                "Sve što ste platili, uključujući standardnu dostavu, vraćamo vam u roku od 14 "
                "dana od primitka vaše obavijesti, no možemo pričekati dok nam roba ne stigne "
                "natrag. Čaj u zapečaćenom pakiranju koje ste otvorili ne može se vratiti iz "
                "razloga zaštite zdravlja i higijene.",
            ),
        ],
        "complaints": [
            H("Reklamacije i jamstvo"),
            P(
                "Ako proizvod stigne oštećen ili ne odgovara narudžbi, javite nam to u roku od "
                f"8 dana na {mail(SHOP_EMAIL)} i priložite fotografiju. Prema vašem izboru "
                "poslat ćemo vam novi proizvod ili vratiti novac. Vaša zakonska prava u pogledu "
                "robe koja nije u skladu s ugovorom time ostaju netaknuta."
            ),
        ],
        "disputes": [
            H("Sporovi"),
            P(
                "Svaku pritužbu nastojimo riješiti sporazumno. Ako se ne uspijemo dogovoriti, "
                "možete se obratiti tijelu za izvansudsko rješavanje potrošačkih sporova ili "
                "nadležnom sudu. Primjenjuje se slovensko pravo, što vam ne oduzima zaštitu "
                "koju vam kao potrošaču pruža pravo države u kojoj živite."
            ),
        ],
    },
}

TERMS_OF_SALE = {
    "slug": "terms-of-sale",
    "kind": "terms",
    "requires_acceptance": True,
    "title": {
        "en": "Terms of sale",
        "sl": "Splošni prodajni pogoji",
        "sq": "Kushtet e shitjes",
        "hr": "Opći uvjeti prodaje",
    },
    "sections": TERMS_SECTIONS,
    "versions": [
        {
            "change_level": "editorial",
            "published_days_ago": 400,
            "effective_day": None,
            "sections": [
                "seller",
                "ordering",
                "prices",
                "payment",
                "delivery",
                "withdrawal",
                "complaints",
                "disputes",
            ],
            "summary": {
                "en": "First published version.",
                "sl": "Prva objavljena različica.",
                "sq": "Versioni i parë i publikuar.",
                "hr": "Prva objavljena verzija.",
            },
        },
        {
            "change_level": "minor",
            "published_days_ago": 120,
            "effective_day": None,
            "sections": [
                "seller",
                "ordering",
                "prices",
                "payment_v2",
                "delivery",
                "withdrawal",
                "complaints",
                "disputes",
            ],
            "summary": {
                "en": "You can now pay on delivery (extra charge €1.50).",
                "sl": "Po novem lahko plačate tudi po povzetju (doplačilo 1,50 €).",
                "sq": "Tani mund të paguani edhe në dorëzim (tarifë shtesë 1,50 €).",
                "hr": "Sada možete platiti i pouzećem (doplata 1,50 €).",
            },
        },
        {
            # Announced a month ago, in effect for three weeks.
            "change_level": "minor",
            "published_days_ago": 30,
            "effective_day": -23,
            "sections": [
                "seller",
                "ordering",
                "prices",
                "payment_v2",
                "delivery_v3",
                "withdrawal",
                "complaints",
                "disputes",
            ],
            "summary": {
                "en": (
                    "We now also deliver to Croatia and the other EU countries; delivery times "
                    "and costs are given for each."
                ),
                "sl": (
                    "Po novem dostavljamo tudi na Hrvaško in v druge države EU; dodali smo roke "
                    "in stroške dostave zanje."
                ),
                "sq": (
                    "Tani dërgojmë edhe në Kroaci dhe në vendet e tjera të BE-së; për secilin "
                    "jepen afatet dhe kostot e dërgesës."
                ),
                "hr": (
                    "Sada dostavljamo i u Hrvatsku te ostale države EU-a; navedeni su rokovi i "
                    "troškovi dostave za svaku od njih."
                ),
            },
        },
    ],
}

# The cookie policy: its text says how the shop asks; the page lists the cookie categories and
# their cookies under it, from the same data the banner shows.
COOKIE_SECTIONS = {
    "en": {
        "what": [
            H("Cookies on lipa.example"),
            P(
                "Cookies are small files a website stores in your browser. We use the strictly "
                "necessary ones to run the shop: to keep you signed in, to protect our forms "
                "and to remember your cookie choices. We use any other cookie only if you "
                "allow its category."
            ),
        ],
        "choice": [
            H("Your choice"),
            P(
                "On your first visit we ask which categories you allow; “Reject all” is as "
                "easy as “Accept all”. Change your choice at any time with the “Cookie "
                "settings” button at the bottom of every page. When we change a category, we "
                "ask you again about that category. If your browser sends Global Privacy "
                "Control, we treat it as a refusal of marketing cookies."
            ),
        ],
    },
    "sl": {
        "what": [
            H("Piškotki na lipa.example"),
            P(
                "Piškotki so majhne datoteke, ki jih spletno mesto shrani v vaš brskalnik. "
                "Nujno potrebne uporabljamo za delovanje trgovine: da ostanete prijavljeni, za "
                "zaščito obrazcev in da si zapomnimo vaše izbire glede piškotkov. Vse druge "
                "piškotke uporabljamo le, če dovolite njihovo kategorijo."
            ),
        ],
        "choice": [
            H("Vaša izbira"),
            P(
                "Ob prvem obisku vas vprašamo, katere kategorije dovolite; „Zavrni vse“ je "
                "enako preprosto kot „Sprejmi vse“. Izbiro lahko kadar koli spremenite z "
                "gumbom „Nastavitve piškotkov“ na dnu vsake strani. Ko kategorijo spremenimo, "
                "vas o njej vprašamo znova. Če vaš brskalnik pošilja signal Global Privacy "
                "Control, ga upoštevamo kot zavrnitev marketinških piškotkov."
            ),
        ],
    },
    "sq": {
        "what": [
            H("Cookie-t në lipa.example"),
            P(
                "Cookie-t janë skedarë të vegjël që një faqe interneti i ruan në shfletuesin "
                "tuaj. Ato rreptësisht të nevojshmet i përdorim që dyqani të funksionojë: që "
                "të mbeteni të identifikuar, për të mbrojtur formularët tanë dhe për të mbajtur "
                "mend zgjedhjet tuaja për cookie-t. Çdo cookie tjetër e përdorim vetëm nëse e "
                "lejoni kategorinë e saj."
            ),
        ],
        "choice": [
            H("Zgjedhja juaj"),
            P(
                "Në vizitën e parë ju pyesim cilat kategori lejoni; “Refuzo të gjitha” është "
                "po aq e lehtë sa “Prano të gjitha”. Zgjedhjen mund ta ndryshoni në çdo kohë "
                "me butonin “Cilësimet e cookie-ve” në fund të çdo faqeje. Kur ndryshojmë një "
                "kategori, ju pyesim sërish për atë kategori. Nëse shfletuesi juaj dërgon "
                "Global Privacy Control, e trajtojmë si refuzim të cookie-ve të marketingut."
            ),
        ],
    },
    "hr": {
        "what": [
            H("Kolačići na lipa.example"),
            P(
                "Kolačići su male datoteke koje web-mjesto sprema u vaš preglednik. Nužne "
                "koristimo za rad trgovine: da ostanete prijavljeni, za zaštitu obrazaca i da "
                "zapamtimo vaše odabire kolačića. Sve ostale kolačiće koristimo samo ako "
                "dopustite njihovu kategoriju."
            ),
        ],
        "choice": [
            H("Vaš odabir"),
            P(
                "Pri prvom posjetu pitamo vas koje kategorije dopuštate; „Odbij sve“ jednako je "
                "jednostavno kao „Prihvati sve“. Odabir možete promijeniti u bilo kojem "
                "trenutku gumbom „Postavke kolačića“ na dnu svake stranice. Kad promijenimo "
                "kategoriju, ponovno vas pitamo o njoj. Ako vaš preglednik šalje Global Privacy "
                "Control, smatramo to odbijanjem marketinških kolačića."
            ),
        ],
    },
}

COOKIE_POLICY = {
    "slug": "cookie-policy",
    "kind": "cookies",
    "requires_acceptance": False,
    "title": {
        "en": "Cookie policy",
        "sl": "Politika piškotkov",
        "sq": "Politika e cookie-ve",
        "hr": "Politika kolačića",
    },
    "sections": COOKIE_SECTIONS,
    "versions": [
        {
            "change_level": "editorial",
            "published_days_ago": 400,
            "effective_day": None,
            "sections": ["what", "choice"],
            "summary": {
                "en": "First published version.",
                "sl": "Prva objavljena različica.",
                "sq": "Versioni i parë i publikuar.",
                "hr": "Prva objavljena verzija.",
            },
        },
    ],
}

POLICIES = [PRIVACY_POLICY, TERMS_OF_SALE, COOKIE_POLICY]


def version_body(policy, version, language):
    """The StreamField value of ``version`` of ``policy`` in ``language``."""
    sections = policy["sections"][language]
    return [block for key in version["sections"] for block in sections[key]]


# --------------------------------------------------------------------------------------------
# The shop's records of each customer (personal-data sources in shop/privacy_sources.py)
# --------------------------------------------------------------------------------------------

# Orders placed without an account, known only by their email address: a guest can ask for
# them (and have them erased) with the public request form.
GUEST_ORDERS = [
    {
        "number": "LC-1031",
        "email": "mojca.guest@example.com",
        "days_ago": 140,
        "total": "18.40",
        "status": "paid",
        "name": "Mojca Zupan",
        "street": "Gosposvetska cesta 3",
        "postcode": "2000",
        "city": "Maribor",
        "note": "",
    },
]

# Dates are days before the demo is loaded. Every paid order has an invoice; Bor's last order
# is unpaid, so deleting his account is blocked until it is settled.
SHOP_RECORDS = {
    "ana": {
        "addresses": [
            {
                "name": "Ana Novak",
                "street": "Šmartinska cesta 12",
                "postcode": "1000",
                "city": "Ljubljana",
                "country": "SI",
                "phone": "+386 41 123 456",
            },
            {
                "name": "Ana Novak (pri starših)",
                "street": "Obala Žusterna 8",
                "postcode": "6000",
                "city": "Koper",
                "country": "SI",
                "phone": "",
            },
        ],
        "orders": [
            {
                "number": "LC-1007",
                "days_ago": 690,
                "total": "42.50",
                "status": "paid",
                "address": 0,
                "note": "Prosim, pustite paket pri sosedi Mojci.",
            },
            {
                "number": "LC-1023",
                "days_ago": 401,
                "total": "87.90",
                "status": "paid",
                "address": 1,
                "note": "Darilo za mamo: brez računa v paketu, prosim.",
            },
            {
                "number": "LC-1038",
                "days_ago": 35,
                "total": "23.40",
                "status": "paid",
                "address": 0,
                "note": "",
            },
        ],
        "vat_id": "",
        "contract": {"days_ago": 700, "terms_version": "1"},
    },
    "bor": {
        "addresses": [
            {
                "name": "Bor Kranjc",
                "street": "Ulica Đure Đakovića 5",
                "postcode": "10000",
                "city": "Zagreb",
                "country": "HR",
                "phone": "+385 91 234 5678",
            },
            {
                "name": "Bor Kranjc (ured)",
                "street": "Ulica Ruđera Boškovića 31",
                "postcode": "21000",
                "city": "Split",
                "country": "HR",
                "phone": "+385 21 555 019",
            },
        ],
        "orders": [
            {
                "number": "LC-1012",
                "days_ago": 610,
                "total": "64.00",
                "status": "paid",
                "address": 0,
                "note": "Zvonite dvaput, molim.",
            },
            {
                "number": "LC-1029",
                "days_ago": 298,
                "total": "129.80",
                "status": "paid",
                "address": 1,
                "note": "",
            },
            {
                "number": "LC-1035",
                "days_ago": 88,
                "total": "31.20",
                "status": "paid",
                "address": 0,
                "note": "Šalica za čaj je poklon — zamotajte je, molim.",
            },
            {
                "number": "LC-1042",
                "days_ago": 6,
                "total": "56.00",
                "status": "unpaid",
                "address": 0,
                "note": "",
            },
        ],
        "vat_id": "HR12345678901",
        "contract": {"days_ago": 640, "terms_version": "1"},
    },
}

# --------------------------------------------------------------------------------------------
# Consent purposes (snippets, one per language sharing a translation key) and demo consents
# --------------------------------------------------------------------------------------------

CONSENT_PURPOSES = [
    {
        "key": "newsletter",
        "channels": ["email"],
        "sort_order": 10,
        # Asked again every two years (the customer is emailed a month before).
        "valid_for": "24m",
        "text": {
            "en": {
                "name": "Newsletter",
                "description": "New teas, ceramics and seasonal offers, about twice a month.",
                "wording": (
                    "Yes, send me the Lipa & Co. newsletter by email: new teas, ceramics and "
                    "seasonal offers, about twice a month. I can unsubscribe at any time with "
                    "the link in every newsletter or in my account."
                ),
            },
            "sl": {
                "name": "E-novice",
                "description": (
                    "Novi čaji, keramika in sezonske ponudbe, približno dvakrat na mesec."
                ),
                "wording": (
                    "Da, pošiljajte mi e-novice trgovine Lipa & Co. po e-pošti: novi čaji, "
                    "keramika in sezonske ponudbe, približno dvakrat na mesec. Odjavim se lahko "
                    "kadar koli prek povezave v vsakem sporočilu ali v svojem računu."
                ),
            },
            "sq": {
                "name": "Buletini",
                "description": (
                    "Çajra të rinj, qeramikë dhe oferta sezonale, rreth dy herë në muaj."
                ),
                "wording": (
                    "Po, më dërgoni buletinin e Lipa & Co. me email: çajra të rinj, qeramikë dhe "
                    "oferta sezonale, rreth dy herë në muaj. Mund të çregjistrohem në çdo kohë "
                    "me lidhjen në çdo buletin ose në llogarinë time."
                ),
            },
            "hr": {
                "name": "Bilten",
                "description": (
                    "Novi čajevi, keramika i sezonske ponude, otprilike dvaput mjesečno."
                ),
                "wording": (
                    "Da, šaljite mi bilten trgovine Lipa & Co. e-poštom: novi čajevi, keramika i "
                    "sezonske ponude, otprilike dvaput mjesečno. Mogu se odjaviti u bilo kojem "
                    "trenutku putem poveznice u svakom biltenu ili u svom računu."
                ),
            },
        },
    },
    {
        "key": "sms_offers",
        "channels": ["sms"],
        "sort_order": 20,
        "text": {
            "en": {
                "name": "SMS offers",
                "description": "Short notices of sales and limited teas, at most twice a month.",
                "wording": (
                    "Yes, send me Lipa & Co. offers by SMS to my mobile number, at most twice a "
                    "month. I can stop them at any time by replying STOP or in my account."
                ),
            },
            "sl": {
                "name": "Ponudbe po SMS",
                "description": (
                    "Kratka obvestila o razprodajah in omejenih serijah čajev, največ dvakrat "
                    "na mesec."
                ),
                "wording": (
                    "Da, ponudbe trgovine Lipa & Co. mi pošiljajte po SMS na mojo mobilno "
                    "številko, največ dvakrat na mesec. Prejemanje lahko kadar koli ustavim z "
                    "odgovorom STOP ali v svojem računu."
                ),
            },
            "sq": {
                "name": "Oferta me SMS",
                "description": (
                    "Njoftime të shkurtra për ulje çmimesh dhe çajra në sasi të kufizuar, jo më "
                    "shumë se dy herë në muaj."
                ),
                "wording": (
                    "Po, më dërgoni oferta të Lipa & Co. me SMS në numrin tim celular, jo më "
                    "shumë se dy herë në muaj. Mund t'i ndaloj në çdo kohë duke u përgjigjur "
                    "STOP ose në llogarinë time."
                ),
            },
            "hr": {
                "name": "Ponude SMS-om",
                "description": (
                    "Kratke obavijesti o sniženjima i ograničenim serijama čajeva, najviše "
                    "dvaput mjesečno."
                ),
                "wording": (
                    "Da, šaljite mi ponude trgovine Lipa & Co. SMS-om na moj broj mobitela, "
                    "najviše dvaput mjesečno. Mogu ih zaustaviti u bilo kojem trenutku "
                    "odgovorom STOP ili u svom računu."
                ),
            },
        },
    },
    {
        "key": "profiling",
        "channels": ["email"],
        "sort_order": 30,
        # Revised since the demo customers agreed (``REVISIONS``): they are asked again.
        "renew_on_wording_change": True,
        "text": {
            "en": {
                "name": "Personalised recommendations",
                "description": "Suggestions chosen from what you have bought and looked at.",
                "wording": (
                    "Yes, use my orders and the products I look at to recommend teas and "
                    "ceramics I may like, by email and in the shop. I can withdraw this consent "
                    "at any time in my account; recommendations then stop being personalised."
                ),
            },
            "sl": {
                "name": "Osebna priporočila",
                "description": "Predlogi, izbrani na podlagi vaših nakupov in ogledanih izdelkov.",
                "wording": (
                    "Da, na podlagi mojih naročil in izdelkov, ki si jih ogledam, mi po e-pošti "
                    "in v trgovini priporočajte čaje in keramiko, ki bi mi utegnili biti všeč. "
                    "To privolitev lahko kadar koli prekličem v svojem računu; priporočila "
                    "potem niso več prilagojena meni."
                ),
            },
            "sq": {
                "name": "Rekomandime të personalizuara",
                "description": "Sugjerime të zgjedhura sipas asaj që keni blerë dhe parë.",
                "wording": (
                    "Po, përdorni porositë e mia dhe produktet që shikoj për të më rekomanduar "
                    "çajra dhe qeramikë që mund të më pëlqejnë, me email dhe në dyqan. Mund ta "
                    "tërheq këtë pëlqim në çdo kohë në llogarinë time; atëherë rekomandimet nuk "
                    "personalizohen më."
                ),
            },
            "hr": {
                "name": "Personalizirane preporuke",
                "description": "Prijedlozi odabrani prema onome što ste kupili i pregledali.",
                "wording": (
                    "Da, upotrijebite moje narudžbe i proizvode koje pregledavam kako biste mi "
                    "e-poštom i u trgovini preporučili čajeve i keramiku koji bi mi se mogli "
                    "svidjeti. Ovu privolu mogu povući u bilo kojem trenutku u svom računu; "
                    "preporuke tada više nisu personalizirane."
                ),
            },
        },
    },
    {
        # Offers to existing customers on teas like those they bought: no consent needed
        # (GDPR Art. 6(1)(f), ePrivacy Art. 13(2)), but they may object, and that is final.
        "key": "customer_offers",
        "channels": ["email"],
        "sort_order": 40,
        "legal_basis": "legitimate_interest",
        "direct_marketing": True,
        "text": {
            "en": {
                "name": "Offers for our customers",
                "description": "Now and then, an offer on teas like those you have bought.",
                "wording": (
                    "As our customer, you receive by email an occasional offer on teas and "
                    "ceramics like those you bought from us. You can object at any time, in your "
                    "account or with the link in every such email; we then stop for good."
                ),
            },
            "sl": {
                "name": "Ponudbe za naše stranke",
                "description": "Občasno ponudba za čaje, podobne tistim, ki ste jih kupili.",
                "wording": (
                    "Kot naša stranka po e-pošti občasno prejmete ponudbo za čaje in keramiko, "
                    "podobne tistim, ki ste jih kupili pri nas. Temu lahko kadar koli ugovarjate "
                    "v svojem računu ali s povezavo v vsakem takem sporočilu; nato za vedno "
                    "prenehamo."
                ),
            },
            "sq": {
                "name": "Oferta për klientët tanë",
                "description": "Herë pas here, një ofertë për çajra si ata që keni blerë.",
                "wording": (
                    "Si klient ynë, merrni me email herë pas here një ofertë për çajra dhe "
                    "qeramikë si ato që keni blerë nga ne. Mund të kundërshtoni në çdo kohë, në "
                    "llogarinë tuaj ose me lidhjen në çdo email të tillë; atëherë ndalojmë "
                    "përgjithmonë."
                ),
            },
            "hr": {
                "name": "Ponude za naše kupce",
                "description": "Povremeno ponuda za čajeve slične onima koje ste kupili.",
                "wording": (
                    "Kao naš kupac povremeno e-poštom primate ponudu za čajeve i keramiku slične "
                    "onima koje ste kupili kod nas. Tome možete prigovoriti u bilo kojem "
                    "trenutku, u svom računu ili putem poveznice u svakoj takvoj poruci; tada "
                    "zauvijek prestajemo."
                ),
            },
        },
    },
]

# Wordings revised after the demo consents were given: {purpose: {language: version 2}}. The
# purpose renews on wording changes, so the storefront shows the customer why to agree again.
REVISIONS = {
    "profiling": {
        "en": (
            "Yes, use my orders, the products I look at and the articles I read in the tea "
            "journal to recommend teas and ceramics I may like, by email and in the shop. I can "
            "withdraw this consent at any time in my account; recommendations then stop being "
            "personalised."
        ),
        "sl": (
            "Da, na podlagi mojih naročil, izdelkov, ki si jih ogledam, in člankov, ki jih "
            "preberem v čajnem dnevniku, mi po e-pošti in v trgovini priporočajte čaje in "
            "keramiko, ki bi mi utegnili biti všeč. To privolitev lahko kadar koli prekličem v "
            "svojem računu; priporočila potem niso več prilagojena meni."
        ),
        "sq": (
            "Po, përdorni porositë e mia, produktet që shikoj dhe artikujt që lexoj në revistën "
            "e çajit për të më rekomanduar çajra dhe qeramikë që mund të më pëlqejnë, me email "
            "dhe në dyqan. Mund ta tërheq këtë pëlqim në çdo kohë në llogarinë time; atëherë "
            "rekomandimet nuk personalizohen më."
        ),
        "hr": (
            "Da, upotrijebite moje narudžbe, proizvode koje pregledavam i članke koje čitam u "
            "čajnom dnevniku kako biste mi e-poštom i u trgovini preporučili čajeve i keramiku "
            "koji bi mi se mogli svidjeti. Ovu privolu mogu povući u bilo kojem trenutku u svom "
            "računu; preporuke tada više nisu personalizirane."
        ),
    },
}

# (username, purpose, channel, days ago, where it was given): all granted. Recent enough that
# the privacy policy version the records name was already in force.
DEMO_CONSENTS = [
    ("ana", "newsletter", "email", 90, "signup"),
    ("ana", "profiling", "email", 90, "signup"),
    ("ana", "sms_offers", "sms", 35, "checkout"),  # with order LC-1038
]

# --------------------------------------------------------------------------------------------
# Cookie categories (snippets, one per language sharing a translation key) and their cookies.
# The cookie banner shows them; the demo's own scripts marked "statistics" and "marketing"
# (Lipa Stats, Lipa Ads) run only once the visitor allows them.
# --------------------------------------------------------------------------------------------

COOKIE_CATEGORIES = [
    {
        "key": "necessary",
        "necessary": True,
        "marketing": False,
        "sort_order": 0,
        "text": {
            "en": {
                "name": "Strictly necessary",
                "description": (
                    "Keep you signed in, protect our forms and remember your cookie choices. "
                    "The shop cannot work without them."
                ),
                "wording": "These cookies are always on: the shop needs them to work.",
            },
            "sl": {
                "name": "Nujno potrebni",
                "description": (
                    "Ohranjajo vašo prijavo, varujejo naše obrazce in si zapomnijo vaše izbire "
                    "glede piškotkov. Brez njih trgovina ne deluje."
                ),
                "wording": "Ti piškotki so vedno vklopljeni: trgovina jih potrebuje za delovanje.",
            },
            "sq": {
                "name": "Rreptësisht të nevojshme",
                "description": (
                    "Ju mbajnë të identifikuar, mbrojnë formularët tanë dhe mbajnë mend "
                    "zgjedhjet tuaja për cookie-t. Dyqani nuk funksionon pa to."
                ),
                "wording": (
                    "Këto cookie janë gjithmonë aktive: dyqani ka nevojë për to që të funksionojë."
                ),
            },
            "hr": {
                "name": "Nužni",
                "description": (
                    "Održavaju vašu prijavu, štite naše obrasce i pamte vaše odabire kolačića. "
                    "Trgovina bez njih ne radi."
                ),
                "wording": "Ovi su kolačići uvijek uključeni: trgovini su potrebni za rad.",
            },
        },
        "cookies": [
            {
                "name": "sessionid",
                "provider": "Lipa & Co.",
                "duration": {"en": "2 weeks", "sl": "2 tedna", "sq": "2 javë", "hr": "2 tjedna"},
                "purpose": {
                    "en": "Keeps you signed in.",
                    "sl": "Ohranja vašo prijavo.",
                    "sq": "Ju mban të identifikuar.",
                    "hr": "Održava vašu prijavu.",
                },
            },
            {
                "name": "csrftoken",
                "provider": "Lipa & Co.",
                "duration": {"en": "1 year", "sl": "1 leto", "sq": "1 vit", "hr": "1 godina"},
                "purpose": {
                    "en": "Protects our forms against forged requests.",
                    "sl": "Varuje naše obrazce pred ponarejenimi zahtevami.",
                    "sq": "Mbron formularët tanë nga kërkesat e falsifikuara.",
                    "hr": "Štiti naše obrasce od krivotvorenih zahtjeva.",
                },
            },
            {
                "name": "privacy_visitor",
                "provider": "Lipa & Co.",
                "duration": {
                    "en": "13 months",
                    "sl": "13 mesecev",
                    "sq": "13 muaj",
                    "hr": "13 mjeseci",
                },
                "purpose": {
                    "en": "Remembers your cookie choices (a random number, not your name).",
                    "sl": (
                        "Si zapomni vaše izbire glede piškotkov (naključna številka, ne vaše ime)."
                    ),
                    "sq": (
                        "Mban mend zgjedhjet tuaja për cookie-t (një numër i rastësishëm, jo "
                        "emri juaj)."
                    ),
                    "hr": "Pamti vaše odabire kolačića (nasumičan broj, a ne vaše ime).",
                },
            },
        ],
    },
    {
        "key": "statistics",
        "necessary": False,
        "marketing": False,
        "sort_order": 10,
        "text": {
            "en": {
                "name": "Statistics",
                "description": (
                    "Count visits and show which pages are read, so that we can improve the "
                    "shop. Nothing is shared for advertising."
                ),
                "wording": (
                    "Yes, Lipa & Co. may use statistics cookies (Lipa Stats) to count my visits."
                ),
            },
            "sl": {
                "name": "Statistika",
                "description": (
                    "Štejejo obiske in pokažejo, katere strani berete, da lahko trgovino "
                    "izboljšamo. Ničesar ne delimo za oglaševanje."
                ),
                "wording": (
                    "Da, Lipa & Co. lahko uporablja piškotke za statistiko (Lipa Stats) za "
                    "štetje mojih obiskov."
                ),
            },
            "sq": {
                "name": "Statistika",
                "description": (
                    "Numërojnë vizitat dhe tregojnë cilat faqe lexohen, që ta përmirësojmë "
                    "dyqanin. Asgjë nuk ndahet për reklama."
                ),
                "wording": (
                    "Po, Lipa & Co. mund të përdorë cookie statistikore (Lipa Stats) për të "
                    "numëruar vizitat e mia."
                ),
            },
            "hr": {
                "name": "Statistika",
                "description": (
                    "Broje posjete i pokazuju koje se stranice čitaju kako bismo poboljšali "
                    "trgovinu. Ništa se ne dijeli za oglašavanje."
                ),
                "wording": (
                    "Da, Lipa & Co. smije koristiti kolačiće za statistiku (Lipa Stats) za "
                    "brojanje mojih posjeta."
                ),
            },
        },
        "cookies": [
            {
                "name": "_demo_stats",
                "provider": "Lipa Stats",
                "duration": {
                    "en": "13 months",
                    "sl": "13 mesecev",
                    "sq": "13 muaj",
                    "hr": "13 mjeseci",
                },
                "purpose": {
                    "en": "Tells visits apart without knowing who you are.",
                    "sl": "Loči obiske med seboj, ne da bi vedel, kdo ste.",
                    "sq": "Dallon vizitat nga njëra-tjetra pa ditur kush jeni.",
                    "hr": "Razlikuje posjete bez znanja o tome tko ste.",
                },
            },
        ],
    },
    {
        "key": "marketing",
        "necessary": False,
        "marketing": True,
        "sort_order": 20,
        "text": {
            "en": {
                "name": "Marketing",
                "description": (
                    "Show you Lipa & Co. offers on other sites and measure how our "
                    "advertising does."
                ),
                "wording": (
                    "Yes, Lipa & Co. and Lipa Ads may use marketing cookies to show me offers "
                    "on other sites."
                ),
            },
            "sl": {
                "name": "Trženje",
                "description": (
                    "Prikazujejo ponudbe Lipa & Co. na drugih spletnih mestih in merijo uspeh "
                    "našega oglaševanja."
                ),
                "wording": (
                    "Da, Lipa & Co. in Lipa Ads lahko uporabljata piškotke za trženje, da mi "
                    "prikazujeta ponudbe na drugih spletnih mestih."
                ),
            },
            "sq": {
                "name": "Marketing",
                "description": (
                    "Ju shfaqin ofertat e Lipa & Co. në faqe të tjera dhe matin si ecin "
                    "reklamat tona."
                ),
                "wording": (
                    "Po, Lipa & Co. dhe Lipa Ads mund të përdorin cookie marketingu për të më "
                    "shfaqur oferta në faqe të tjera."
                ),
            },
            "hr": {
                "name": "Marketing",
                "description": (
                    "Prikazuju ponude trgovine Lipa & Co. na drugim stranicama i mjere uspjeh "
                    "našeg oglašavanja."
                ),
                "wording": (
                    "Da, Lipa & Co. i Lipa Ads smiju koristiti marketinške kolačiće kako bi mi "
                    "prikazivali ponude na drugim stranicama."
                ),
            },
        },
        "cookies": [
            {
                "name": "_demo_ads",
                "provider": "Lipa Ads",
                "duration": {"en": "90 days", "sl": "90 dni", "sq": "90 ditë", "hr": "90 dana"},
                "purpose": {
                    "en": "Remembers your visit, for our offers on other sites.",
                    "sl": "Si zapomni vaš obisk za naše ponudbe na drugih spletnih mestih.",
                    "sq": "Mban mend vizitën tuaj, për ofertat tona në faqe të tjera.",
                    "hr": "Pamti vaš posjet radi naših ponuda na drugim stranicama.",
                },
            },
        ],
    },
]

# The recipients register: those the shop passes customers' data to, told by email of every
# erasure, correction and restriction (a webhook needs a server the demo does not have).
RECIPIENTS = [
    {
        "key": "parcel-service",
        "name": "Hitra Pošta d.o.o.",
        "role": "processor",
        "description": "Delivers our parcels.",
        "purposes": "Delivering your orders.",
        "data_categories": "Name, delivery address, phone number.",
        "countries": "Slovenia",
        "sources": "orders,addresses",
        "contact": "privacy@hitra-posta.example",
        "notify_email": "privacy@hitra-posta.example",
    },
    {
        "key": "accountant",
        "name": "Računovodstvo Bilanca s.p.",
        "role": "processor",
        "description": "Keeps our books.",
        "purposes": "Bookkeeping and tax returns.",
        "data_categories": "Invoices: billing name, address, VAT number.",
        "countries": "Slovenia",
        "sources": "invoices",
        "contact": "office@bilanca.example",
        "notify_email": "office@bilanca.example",
    },
]

#: A breach in the register (Art. 33(5)), as the privacy officer recorded it: detected
#: ``detected_days_ago`` days before the demo was loaded, at ``detected_at`` (shop time), the
#: supervisory authority told ``authority_notified_after_hours`` later (within the 72 hours),
#: the customers not told yet: the officer can select them, preview the email and send it.
BREACH = {
    "title": "Parcel labels uploaded to the wrong courier account",
    "detected_days_ago": 3,
    "detected_at": (9, 40),
    "authority_notified_after_hours": 26,
    "what_happened": (
        "The evening export of parcel labels to our parcel service, Hitra Pošta, went to "
        "another shop's account with the courier: a mistyped account number in the export "
        "settings. The other shop reported it the next morning."
    ),
    "data_categories": "Names, delivery addresses, phone numbers, order numbers",
    "people_affected": 38,
    "records_affected": 41,
    "consequences": (
        "The other shop's staff could see who ordered from us and where they live. Customers "
        "may get unwanted contact, or fake delivery messages that use their real order "
        "numbers."
    ),
    "measures": (
        "Hitra Pošta deleted the labels from the other account the same day and confirmed it "
        "in writing. The account number is corrected, and the export now checks the account "
        "before it uploads. The customers affected are to be warned about fake delivery "
        "messages."
    ),
    "high_risk": True,
}
