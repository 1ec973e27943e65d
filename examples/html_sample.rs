//! Writes a sample délibération as HTML to /tmp/sample.html (and a draft to
//! /tmp/sample-projet.html) to look at the HTML back end in a browser.

use delib::doc::{Meta, parse};
use delib::render::html::{DEFAULT_CSS, render};

const SAMPLE: &str = r#"<div class="entete">
<div class="gauche">

**RÉPUBLIQUE FRANÇAISE**

Département de la Côte-d'Or

**VILLE DE DIJON**

</div>
<div class="droite">

Séance du lundi 27 juin 2016

**N° 2016-06-27/12**

ÉDUCATION

Accompagnement individualisé

</div>
</div>

# EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL

<div class="encadre">

| | |
|:--|--:|
| Membres en exercice | 59 |
| Présents | 46 |
| Votants | 58 |
| Date de convocation | 21 juin 2016 |
| Date d'affichage | 28 juin 2016 |

</div>

L'an deux mille seize, le vingt-sept juin à 18 h 30, le Conseil municipal, légalement convoqué le 21 juin 2016, s'est réuni salle de Flore, Hôtel de Ville, sous la présidence de M. REBSAMEN, Maire.

**Présents :** Mme KOENDERS - M. MAGLICA - M. PRIBETICH - Mme MODDE - M. DESEILLE - Mme TENENBAUM - Mme DILLENSEGER - M. GERVAIS - Mme AKPINAR-ISTIQUAM - M. CHÂTEAU - Mme MARTIN - M. EL HASSOUNI - Mme AVENA - M. DECOMBARD - Mme ZIVKOVIC - M. MASSON.

**Absents représentés :** Mme POPARD (pouvoir à M. PRIBETICH) - M. MARTIN (pouvoir à Mme PFANDER-MENY).

**Absents :** M. HOUPERT.

**Secrétaire de séance :** Mme FERRIERE.

**OBJET : Convention conclue entre la Ville de Dijon et l'association les PEP 21 pour la mise en œuvre de l'accompagnement individualisé des enfants en difficulté**

Madame Dillenseger, au nom de la commission de l'éducation, de la petite-enfance, des sports et de la jeunesse, expose :

## EXPOSÉ DES MOTIFS

Mesdames, Messieurs,

Le Projet Éducatif Global a été adopté le 28 juin 2012 en conseil municipal. Une des 30 actions du PEG consiste à proposer la mise en réseau des partenaires éducatifs et sociaux pour expérimenter la prise en charge individuelle des enfants en difficulté.

Signée pour la durée d'un an, du 1<sup>er</sup> septembre 2016 au 31 août 2017, la convention ci-jointe et ses annexes fixent les modalités de partenariat avec l'association pour la mise en œuvre de l'accompagnement individualisé dont le coût, supporté par la Ville de Dijon, ne peut excéder 49 975 € (*quarante-neuf mille neuf cent soixante-quinze euros*).

Je vous demanderai, Mesdames, Messieurs, de bien vouloir :

1. approuver les projets de convention à conclure entre la Ville et l'association « les PEP 21 », annexés au rapport ;
2. m'autoriser à signer la convention définitive ainsi que tout acte à intervenir pour son application.

Texte saisi par un agent : &lt;script&gt;alert(1)&lt;/script&gt; {{ x }}

<script>alert("bloc brut")</script>

## LE CONSEIL MUNICIPAL,

Vu le code général des collectivités territoriales,

Considérant la politique éducative de la Ville,

Après en avoir délibéré,

<div class="centre">

**DÉLIBÈRE**

</div>

**ARTICLE 1<sup>er</sup> :** APPROUVE la convention avec l'association « les PEP 21 ».

**ARTICLE 2 :** AUTORISE le Maire à la signer.

*Adopté à l'unanimité.*

Ainsi fait et délibéré les jour, mois et an susdits. Pour extrait conforme.

<div class="signature">

Fait à Dijon, le 27 juin 2016

Le Maire,

**François REBSAMEN**

</div>

<div class="mentions">
<div class="encadre">

Transmis en préfecture le 29 juin 2016  
Reçu en préfecture le 29 juin 2016  
Identifiant : 021-212102318-20160627-12-DE  
Publié le 30 juin 2016 (voie électronique)

</div>

La présente délibération peut faire l'objet d'un recours contentieux devant le tribunal administratif de Dijon dans un délai de deux mois à compter de sa publication. Elle peut également faire l'objet d'un recours gracieux auprès de son auteur ; cette démarche prolonge le délai de recours contentieux.

</div>

<div class="saut-de-page"></div>

# ANNEXE 1 – Fiche projet

<div class="fiche">
<div class="ligne">
<div class="cle">

Titre du projet

</div>
<div class="valeur">

« Comment créer les conditions pour permettre aux familles de conquérir un pouvoir d'agir dans l'action éducative ? »

</div>
</div>
<div class="ligne">
<div class="cle">

Contact

</div>
<div class="valeur">

Zouina Meddour, chargée de mission  
Hôtel de ville - 17 place Gabriel Péri - 93150 Le Blanc-Mesnil

</div>
</div>
<div class="ligne">
<div class="cle">

Ressources locales

</div>
<div class="valeur">

- Un réseau partenarial important
- Validation politique du projet
- Une enveloppe de 8 000 € dans le cadre du CUCS

</div>
</div>
</div>

<div class="signatures">
<div class="signature">

Pour la Ville de Dijon,

Le Maire,

**François REBSAMEN**

</div>
<div class="signature">

Pour l'association les PEP 21,

Le Président,

**Jean DUPONT**

</div>
</div>
"#;

fn main() -> std::io::Result<()> {
    let meta = Meta {
        title: "Délibération n° 2016-06-27/12".into(),
        footer: "Ville de Dijon — Délibération n° 2016-06-27/12".into(),
        draft: false,
        ..Default::default()
    };
    let doc = parse(SAMPLE, meta.clone());
    std::fs::write("/tmp/sample.html", render(&doc, DEFAULT_CSS))?;
    let draft = parse(
        SAMPLE,
        Meta {
            draft: true,
            ..meta
        },
    );
    std::fs::write("/tmp/sample-projet.html", render(&draft, DEFAULT_CSS))?;
    Ok(())
}
