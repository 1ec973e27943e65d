//! The command line: clap derive, every text in French.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Vocabulaire : un dossier est le fichier .toml qui décrit un acte ; un répertoire est
un emplacement du disque, qui peut contenir des dossiers, delib.toml et des fichiers de séance.

Exemples :
  delib render inputs                      rend tous les dossiers du répertoire inputs/
  delib render inputs/dijon/convention-pep21.toml -o rendu
  delib render inputs --format pdf         seulement les PDF
  delib templates mes-modeles              copie les modèles intégrés pour les adapter

Codes de sortie :
  0  tout s'est bien passé
  1  un dossier contient une erreur (rien n'a été écrit pour ce dossier)
  2  erreur d'utilisation ou du système (fichier illisible, disque plein…)";

/// delib : rédige les actes d'une collectivité (rapport, délibération, convention, annexes)
/// en Markdown, HTML et PDF à partir d'un dossier TOML.
#[derive(Debug, Parser)]
#[command(
    name = "delib",
    version,
    after_help = EXAMPLES,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "Commandes",
    override_usage = "delib <COMMANDE> [OPTIONS]"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: Global,
}

/// Options valid for every command.
#[derive(Debug, Args)]
pub struct Global {
    /// N'affiche que les erreurs
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Affiche cette aide
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    pub help: Option<bool>,
    /// Affiche la version
    #[arg(short = 'V', long, action = ArgAction::Version)]
    pub version: Option<bool>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rend les documents d'un ou de plusieurs dossiers (Markdown, HTML, PDF)
    #[command(
        override_usage = "delib render <DOSSIER.toml | RÉPERTOIRE>... [OPTIONS]",
        after_help = "\
Pour chaque dossier, écrit SORTIE/<nom du dossier>/{rapport,deliberation,convention,annexe-1…}.{md,html,pdf}
(une convention-<partenaire> par ligne du fichier partenaires, s'il y en a un).
Pour chaque fichier de séance du répertoire rendu, écrit dans SORTIE/<chemin de la séance>/ la
convocation, la liste des délibérations, le procès-verbal, la feuille du registre et recueil.pdf.
Seuls les documents que le dossier appelle sont produits, et seuls ceux dont une source a changé
sont réécrits (dossier, séance, delib.toml, CSV, modèles) : le manifeste SORTIE/.delib-manifest.json
s'en souvient. Les dossiers sont rendus en parallèle. Un dossier en erreur n'écrit rien et ses
anciens documents restent intacts ; chaque fichier est écrit en entier ou pas du tout.

Exemples :
  delib render inputs
  delib render inputs/dijon/convention-pep21.toml -o /tmp/rendu --format html,pdf
  delib render inputs --only convention,annexe     seulement les conventions et les annexes
  delib render inputs --force                      tout réécrire"
    )]
    Render(RenderArgs),
    /// Vérifie les dossiers (quorum, pouvoirs, vote, dates…) sans rien écrire
    #[command(
        override_usage = "delib check <DOSSIER.toml | RÉPERTOIRE>... [OPTIONS]",
        after_help = "\
Applique toutes les vérifications : quorum, feuille de présence, pouvoirs, vote, ordre des
dates, délai de convocation, numérotation @ctes, règle des 23 000 €, typographie.
Les erreurs empêchent le rendu ; les avertissements non.

Codes de sortie : 0 aucune erreur (avertissements possibles), 1 au moins une erreur
(ou un avertissement avec --deny-warnings).

Exemples :
  delib check inputs
  delib check inputs --format json > constats.json"
    )]
    Check(CheckArgs),
    /// Écrit les modèles intégrés dans un répertoire, pour les adapter
    #[command(
        override_usage = "delib templates <RÉPERTOIRE>",
        after_help = "\
Les fichiers existants ne sont jamais écrasés. Placez le répertoire à côté de delib.toml
sous le nom templates/ (ou indiquez-le dans [rendu] templates = \"…\") : chaque fichier
remplace le modèle intégré de même nom.

Exemple :
  delib templates inputs/dijon/templates"
    )]
    Templates(TemplatesArgs),
    /// Affiche le schéma JSON des dossiers, pour la complétion dans l'éditeur
    #[command(
        override_usage = "delib schema [--projet | --seance]",
        after_help = "\
Le schéma est tiré des types du programme : il suit toujours le format réel.
Avec l'extension Even Better TOML (taplo), écrivez en première ligne du dossier :
  #:schema ./delib.schema.json
après avoir enregistré le schéma :
  delib schema > delib.schema.json
  delib schema --projet > delib-projet.schema.json   (pour delib.toml)
  delib schema --seance > delib-seance.schema.json   (pour les fichiers de séance)

La référence de tous les champs, tirée des mêmes types, est docs/reference.md."
    )]
    Schema(SchemaArgs),
    /// Aperçu en direct dans le navigateur, mis à jour à chaque enregistrement
    #[command(
        override_usage = "delib serve [RÉPERTOIRE] [--port N] [--open] [--bind ADRESSE]",
        after_help = "\
Rend en mémoire les dossiers du répertoire (rien n'est écrit sur le disque) et les sert sur
http://127.0.0.1:8080/ : une page d'index (statut, documents, avertissements de chaque dossier)
et chaque document en HTML, PDF et Markdown. À chaque enregistrement d'un dossier, d'un fichier
de séance, d'un CSV de partenaires, de delib.toml ou d'un modèle, les documents concernés sont
refaits et la page ouverte se recharge d'elle-même. Un dossier en erreur affiche ses erreurs
(fichier, ligne, message, aide) à la place du document ; l'aperçu continue.

L'aperçu n'écoute que ce poste (127.0.0.1). --bind 0.0.0.0 l'ouvre au réseau : à éviter hors
d'un réseau de confiance (ni mot de passe ni chiffrement).

Exemples :
  delib serve inputs --open          ouvre l'aperçu des exemples dans le navigateur
  delib serve . --port 8081          si le port 8080 est déjà pris
  delib serve inputs --port 0        un port libre, affiché au démarrage

Codes de sortie : 2 si le port est déjà utilisé ou le répertoire introuvable."
    )]
    Serve(ServeArgs),
    /// Exporte les délibérations votées : fichier open data SCDL, paquet @ctes
    #[command(
        subcommand,
        override_usage = "delib export <scdl | actes> <RÉPERTOIRE> [OPTIONS]",
        subcommand_help_heading = "Exports"
    )]
    Export(ExportCommand),
    /// Écrit le site web des actes publiés (index, pages, PDF, flux Atom, empreintes)
    #[command(
        override_usage = "delib publish <RÉPERTOIRE> -o <SITE> [--url ADRESSE] [--date AAAA-MM-JJ] [--force]",
        after_help = "\
Écrit dans SITE un site statique des actes publiés du répertoire (ceux dont
[deliberation.publication] donne la date de publication, atteinte) : un index par année et
par séance, une page par acte (mentions de publication et d'exécution, date de mise en
ligne, signataire) avec le PDF, la version HTML et les annexes, un flux Atom (atom.xml) et
le fichier SHA256SUMS des empreintes. Un projet n'est jamais publié ; un acte dont la date
de publication n'est pas encore venue ne l'est pas encore. Le site s'ouvre depuis le disque
comme depuis n'importe quel serveur web (liens relatifs, sans JavaScript). Seuls les actes
qui ont changé sont refaits ; chaque fichier est écrit en entier ou pas du tout. Un dossier
en erreur : le site n'est pas modifié.

Exemples :
  delib publish inputs -o site
  delib publish inputs -o site --url https://www.ville.fr/actes"
    )]
    Publish(PublishArgs),
    /// Inscrit dans le dossier la réception en préfecture donnée par l'accusé
    #[command(
        name = "accuse-reception",
        alias = "ar",
        override_usage = "delib accuse-reception <ACCUSÉ.xml | RÉPERTOIRE>... [--dossiers RÉPERTOIRE]",
        after_help = "\
Quand la préfecture a reçu un acte transmis, le tiers de télétransmission (S²LOW, FAST, iXbus…)
rend son accusé de réception : un fichier XML @ctes (…-1-2_1.xml) qui donne l'identifiant de
l'acte et la date de réception. Pour chaque accusé, delib retrouve le dossier de l'acte (celui
dont l'identifiant @ctes est le même) et écrit dans [deliberation.publication] :
  reception = 2016-07-01                               la date de réception
  identifiant = \"021-212102313-20160627-…-DE\"          si le dossier ne l'a pas encore
Le reste du fichier ne change pas (commentaires, lignes, ordre) ; il est remplacé en entier
ou pas du tout.

Ensuite, delib render imprime « Reçu en préfecture le … » et, une fois l'acte publié, la mention
exécutoire ; delib export actes ne refait plus le paquet de l'acte ; delib export scdl remplit
la date de réception.

Rien n'est écrit quand l'accusé ne correspond à aucun acte du répertoire, quand le dossier
donne déjà une autre date de réception, ou quand le fichier est une anomalie (acte refusé par
la préfecture) : le message dit pourquoi, et où. Un accusé déjà inscrit ne change rien.

Codes de sortie : 0 chaque accusé est inscrit (ou l'était déjà), 1 au moins un refusé.
« delib ar » est un raccourci de « delib accuse-reception ».

Exemples :
  delib accuse-reception 021-212102313-20160627-2016_06_27_12-DE-1-2_1.xml --dossiers inputs
  delib ar Téléchargements -d inputs      les accusés (…-1-2_*.xml) et anomalies (…-1-3_*.xml) du répertoire"
    )]
    AccuseReception(AccuseArgs),
    /// Crée un projet prêt à remplir : delib.toml, une séance, un premier dossier
    #[command(
        override_usage = "delib init [RÉPERTOIRE]",
        after_help = "\
Écrit dans le répertoire (créé s'il n'existe pas ; par défaut le répertoire courant) :
  delib.toml                        la collectivité, commune à tous les actes
  seances/2026-11-19.toml           une séance : date, présents, pouvoirs, président…
  subvention-association.toml       un premier dossier : une délibération à adapter
Chaque champ y est expliqué en commentaire (ce qu'il est, un exemple, s'il est obligatoire).
Le projet se vérifie et se rend tel quel ; remplacez ensuite les valeurs d'exemple par les
vôtres. Un fichier qui existe déjà n'est jamais écrasé.

Exemples :
  delib init mon-conseil
  delib check mon-conseil
  delib render mon-conseil"
    )]
    Init(InitArgs),
    /// Écrit le script de complétion des commandes pour bash, zsh, fish ou PowerShell
    #[command(
        override_usage = "delib completions <bash | zsh | fish | powershell>",
        after_help = "\
Le script s'écrit sur la sortie standard. Pour l'installer :
  bash        delib completions bash > ~/.local/share/bash-completion/completions/delib
  zsh         delib completions zsh > ~/.zfunc/_delib   (avec fpath+=~/.zfunc dans ~/.zshrc)
  fish        delib completions fish > ~/.config/fish/completions/delib.fish
  powershell  delib completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Écrit la page de manuel de delib, ou d'une de ses commandes (format man)
    #[command(
        override_usage = "delib man [COMMANDE]",
        after_help = "\
La page s'écrit sur la sortie standard, au format roff. Pour la lire ou l'installer :
  delib man | man -l -
  delib man render | man -l -
  delib man > /usr/local/share/man/man1/delib.1"
    )]
    Man(ManArgs),
    /// Affiche l'aide de delib, ou celle d'une commande
    #[command(override_usage = "delib help [COMMANDE]")]
    Help(HelpArgs),
}

/// `delib accuse-reception`.
#[derive(Debug, Args)]
pub struct AccuseArgs {
    /// Accusés de réception de la préfecture (fichiers XML @ctes …-1-2_1.xml), ou un répertoire qui en contient
    #[arg(required = true, value_name = "ACCUSÉ.xml")]
    pub fichiers: Vec<PathBuf>,
    /// Répertoire des dossiers (par défaut : le répertoire courant)
    #[arg(
        short,
        long,
        value_name = "RÉPERTOIRE",
        default_value = ".",
        hide_default_value = true
    )]
    pub dossiers: PathBuf,
}

/// `delib init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Répertoire du projet (par défaut : le répertoire courant)
    #[arg(
        value_name = "RÉPERTOIRE",
        default_value = ".",
        hide_default_value = true
    )]
    pub dir: PathBuf,
}

/// `delib completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Le shell : bash, zsh, fish ou powershell
    #[arg(value_enum, value_name = "SHELL", hide_possible_values = true)]
    pub shell: Shell,
}

/// The shells `delib completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// `delib man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Commande dont écrire la page (par défaut : la page de delib)
    #[arg(value_name = "COMMANDE")]
    pub command: Vec<String>,
}

/// `delib help`.
#[derive(Debug, Args)]
pub struct HelpArgs {
    /// Commande dont afficher l'aide (par défaut : l'aide générale)
    #[arg(value_name = "COMMANDE")]
    pub command: Vec<String>,
}

/// `delib publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Répertoire des dossiers
    #[arg(value_name = "RÉPERTOIRE")]
    pub folder: PathBuf,
    /// Répertoire du site à écrire
    #[arg(short, long, value_name = "SITE", required = true)]
    pub output: PathBuf,
    /// Adresse publique du site, pour les liens absolus du flux Atom
    #[arg(long, value_name = "ADRESSE")]
    pub url: Option<String>,
    /// Date du jour, AAAA-MM-JJ (par défaut : aujourd'hui)
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
    /// Refait tous les documents, même ceux qui n'ont pas changé
    #[arg(long)]
    pub force: bool,
}

/// `delib export`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Fichier CSV des délibérations au schéma SCDL « Délibérations » 2.1.5 (open data)
    #[command(
        override_usage = "delib export scdl <RÉPERTOIRE> [-o deliberations.csv] [--url ADRESSE]",
        after_help = "\
Une ligne par délibération adoptée du répertoire (jamais un projet ni une délibération
rejetée), au schéma national SCDL « Délibérations » 2.1.5 : collectivité et SIRET, numéro,
date, matière @ctes (code et nom), objet, budget, préfecture et date de réception, décompte
du vote, adresse du PDF sur le site écrit par delib publish (avec --url). Un dossier auquel
manque une valeur exigée par le schéma (SIRET, numéro, matière) est signalé avec son
emplacement et laissé de côté. Une cellule qui commencerait par = + - ou @ reçoit une
apostrophe devant : un tableur la montre comme du texte au lieu de l'exécuter.

Codes de sortie : 0 toutes les délibérations adoptées sont exportées, 1 au moins une écartée.

Exemples :
  delib export scdl inputs -o deliberations.csv
  delib export scdl inputs --url https://www.ville.fr/actes
  delib export scdl inputs -o - | head"
    )]
    Scdl(ScdlArgs),
    /// Paquet @ctes de chaque acte à transmettre (PDF nommés selon le protocole et métadonnées XML)
    #[command(
        override_usage = "delib export actes <RÉPERTOIRE> -o <RÉPERTOIRE> [--classification AAAA-MM-JJ] [--inclure-transmis]",
        after_help = "\
Pour chaque acte voté qui a une nature et une matière @ctes, écrit dans un répertoire à son nom
ce que le tiers de télétransmission (S²LOW, FAST, iXbus…) envoie au contrôle de légalité :
l'acte en PDF tel qu'il a été signé (…_1.pdf, sans mention de réception, de publication ni
d'exécution), ses annexes en PDF (…_2.pdf, …_3.pdf : conventions, annexes) et le message XML
@ctes (…_0.xml : nature, matières, numéro, date de décision, objet). Le nom du répertoire est
l'identifiant @ctes de l'acte (département, SIREN, date, numéro, nature) suivi de -1-1 : celui
que l'accusé de réception de la préfecture renverra.

Un acte n'est transmis qu'une fois : celui qui a une date de réception ([deliberation.publication]
reception, inscrite par delib accuse-reception) est laissé de côté, et son ancien paquet gardé ;
--inclure-transmis refait quand même son paquet. Une délibération rejetée n'est empaquetée que si
le dossier dit transmettre = true ; transmettre = false écarte un acte. Chaque acte laissé de
côté est nommé, avec la raison. Le paquet d'un acte redevenu projet (ou rejeté, ou renuméroté)
est supprimé. Vérifie l'objet (499 caractères au plus), le numéro @ctes (^[0-9A-Z_]{1,15}$), la
matière (nomenclature @ctes), la date de décision (pas dans le futur) et les PDF. Un acte qui ne
passe pas est signalé et laissé de côté. Chaque fichier est écrit en entier ou pas du tout.

Codes de sortie : 0 tous les actes à transmettre sont prêts, 1 au moins un écarté.

Exemples :
  delib export actes inputs -o actes --classification 2024-01-15
  delib export actes inputs -o actes --inclure-transmis     refaire aussi les paquets déjà reçus"
    )]
    Actes(ActesArgs),
}

/// `delib export actes`.
#[derive(Debug, Args)]
pub struct ActesArgs {
    /// Répertoire des dossiers
    #[arg(value_name = "RÉPERTOIRE")]
    pub folder: PathBuf,
    /// Répertoire où écrire un paquet par acte
    #[arg(short, long, value_name = "RÉPERTOIRE", required = true)]
    pub output: PathBuf,
    /// Date de version de la classification des matières donnée par la préfecture
    /// (par défaut : la date de décision de chaque acte, avec un avertissement)
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub classification: Option<String>,
    /// Date du jour, AAAA-MM-JJ (par défaut : aujourd'hui)
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
    /// Refait aussi le paquet des actes déjà reçus en préfecture (qui ont une date de réception)
    #[arg(long)]
    pub inclure_transmis: bool,
}

/// `delib export scdl`.
#[derive(Debug, Args)]
pub struct ScdlArgs {
    /// Répertoire des dossiers
    #[arg(value_name = "RÉPERTOIRE")]
    pub folder: PathBuf,
    /// Fichier CSV à écrire (par défaut : deliberations.csv ; « - » : la sortie standard)
    #[arg(
        short,
        long,
        value_name = "FICHIER",
        default_value = "deliberations.csv",
        hide_default_value = true
    )]
    pub output: PathBuf,
    /// Adresse du site publié par delib publish, pour la colonne DELIB_URL
    #[arg(long, value_name = "ADRESSE")]
    pub url: Option<String>,
    /// Date du jour, AAAA-MM-JJ (par défaut : aujourd'hui) : un acte publié plus tard n'a pas d'adresse
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
}

/// `delib serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Répertoire des dossiers à prévisualiser (par défaut : le répertoire courant)
    #[arg(
        value_name = "RÉPERTOIRE",
        default_value = ".",
        hide_default_value = true
    )]
    pub folder: PathBuf,
    /// Port d'écoute (par défaut 8080) ; 0 choisit un port libre
    #[arg(
        long,
        value_name = "N",
        default_value_t = 8080,
        hide_default_value = true
    )]
    pub port: u16,
    /// Adresse d'écoute ; par défaut 127.0.0.1 (ce poste seulement)
    #[arg(
        long,
        value_name = "ADRESSE",
        default_value = "127.0.0.1",
        hide_default_value = true
    )]
    pub bind: std::net::IpAddr,
    /// Ouvre l'aperçu dans le navigateur
    #[arg(long)]
    pub open: bool,
    /// Permet aussi de modifier les dossiers depuis les autres postes quand --bind n'est pas
    /// 127.0.0.1 (sans mot de passe : sur un réseau de confiance seulement)
    #[arg(long)]
    pub modification_distante: bool,
    /// N'offre pas la modification des dossiers depuis le navigateur
    #[arg(long, conflicts_with = "modification_distante")]
    pub lecture_seule: bool,
}

/// `delib schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Schéma de delib.toml (collectivité et rendu) plutôt que d'un dossier
    #[arg(long)]
    pub projet: bool,
    /// Schéma d'un fichier de séance plutôt que d'un dossier
    #[arg(long, conflicts_with = "projet")]
    pub seance: bool,
}

/// `delib render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Fichiers de dossier (.toml) ou répertoires à parcourir
    #[arg(required = true, value_name = "DOSSIER")]
    pub paths: Vec<PathBuf>,
    /// Répertoire de sortie (par défaut : [rendu] sortie de delib.toml, sinon output/)
    #[arg(short, long, value_name = "RÉPERTOIRE")]
    pub output: Option<PathBuf>,
    /// Formats à produire, séparés par des virgules : md, html, pdf
    #[arg(long, value_name = "FORMATS", value_delimiter = ',')]
    pub format: Vec<String>,
    /// Documents à produire, séparés par des virgules : rapport, deliberation, convention, annexe, seance
    #[arg(long, value_name = "DOCUMENTS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Réécrit tout, même ce qui n'a pas changé
    #[arg(long)]
    pub force: bool,
    /// Nombre de dossiers rendus en parallèle (par défaut : un par cœur)
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Traite les avertissements comme des erreurs (rien n'est écrit)
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `delib check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fichiers de dossier (.toml) ou répertoires à parcourir
    #[arg(required = true, value_name = "DOSSIER")]
    pub paths: Vec<PathBuf>,
    /// Forme des constats : texte (pour la lecture, par défaut) ou json (pour les éditeurs et scripts)
    #[arg(
        long,
        value_enum,
        default_value = "texte",
        value_name = "FORME",
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub format: DiagFormat,
    /// Traite les avertissements comme des erreurs
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagFormat {
    Texte,
    Json,
}

/// `delib templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Répertoire où écrire les modèles
    #[arg(value_name = "RÉPERTOIRE")]
    pub dir: PathBuf,
}

/// The command line as the parser, the completions and the manual see it:
/// every help page laid out in French, « Arguments : », « Commandes : » and
/// « Options : » with the space French puts before a colon (clap's own
/// headings have none).
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    french(Cli::command())
}

/// One help page's layout, then its subcommands'.
fn french(cmd: clap::Command) -> clap::Command {
    let mut t = String::from("{before-help}{about-with-newline}\nUtilisation : {usage}\n");
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str("\nArguments :\n{positionals}\n");
    }
    if cmd.has_subcommands() {
        let heading = cmd.get_subcommand_help_heading().unwrap_or("Commandes");
        t.push_str(&format!("\n{heading} :\n{{subcommands}}\n"));
    }
    t.push_str("\nOptions :\n{options}{after-help}");
    let cmd = if cmd.has_subcommands() {
        cmd.subcommand_value_name("COMMANDE")
    } else {
        cmd
    };
    cmd.help_template(t).mut_subcommands(french)
}

/// The command at `path` (`["export", "scdl"]`), or the first word of it
/// that names no command, with the names possible there.
pub fn find(path: &[impl AsRef<str>]) -> Result<clap::Command, (String, Vec<String>)> {
    let mut cmd = command();
    // Built, so a subcommand has the global options and settings of delib.
    cmd.build();
    for name in path {
        let name = name.as_ref();
        match cmd.find_subcommand(name) {
            Some(c) => cmd = c.clone(),
            None => {
                let names = cmd.get_subcommands().map(|c| c.get_name().to_owned());
                return Err((name.to_owned(), names.collect()));
            }
        }
    }
    Ok(cmd)
}

/// The names of the subcommands under the command path `path` (empty: the
/// top-level commands), from the parser itself.
fn commands(path: &[String]) -> Vec<String> {
    find(path).map_or_else(
        |_| Vec::new(),
        |cmd| {
            cmd.get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect()
        },
    )
}

/// The error for a command name that is none, as `delib rendre` gets it.
pub fn unknown_command(name: &str, names: &[String], help: &str) -> String {
    let mut msg = format!(
        "erreur : commande inconnue « {name} » ; commandes : {}",
        names.join(", ")
    );
    if let Some(c) = crate::diag::closest(name, names.iter().map(String::as_str)) {
        msg.push_str(&format!("\n  vouliez-vous dire « {c} » ?"));
    }
    format!("{msg}\n\nPour plus d'informations : {help}\n")
}

/// The words typed that name a command, then a subcommand of it…
/// (`delib export scdl x -o y` → `export scdl`).
fn command_path(argv: &[String]) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    for a in argv.iter().skip(1) {
        if a.starts_with('-') {
            continue;
        }
        let mut next = path.clone();
        next.push(a.clone());
        // A name or an alias (`delib ar`): the command's own name.
        match find(&next) {
            Ok(cmd) => path.push(cmd.get_name().to_owned()),
            Err(_) => break,
        }
    }
    path
}

/// « a, b ou c ».
fn or_list(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} ou {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A French message for a command-line error, and its exit code. `argv` (the
/// words typed, program name first) gives the subcommand whose help to suggest.
pub fn french_error(e: &clap::Error, argv: &[String]) -> (String, i32) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(ToString::to_string).unwrap_or_default();
    let list = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let mut msg = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return (e.to_string(), 0),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let path = command_path(argv);
            let what = if path.is_empty() {
                "une commande"
            } else {
                "une sous-commande"
            };
            format!("{what} est attendue : {}", or_list(&commands(&path)))
        }
        ErrorKind::InvalidSubcommand => {
            let path = command_path(argv);
            format!(
                "commande inconnue « {} » ; commandes : {}",
                ctx(ContextKind::InvalidSubcommand),
                commands(&path).join(", ")
            )
        }
        ErrorKind::UnknownArgument => {
            format!("option inconnue « {} »", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "argument obligatoire manquant : {}",
                list(ContextKind::InvalidArg)
            )
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue);
            if value.is_empty() {
                format!("valeur manquante pour {}", ctx(ContextKind::InvalidArg))
            } else {
                format!(
                    "valeur incorrecte « {value} » pour {}",
                    ctx(ContextKind::InvalidArg)
                )
            }
        }
        ErrorKind::NoEquals => format!(
            "{} s'écrit avec un signe = : {}=…",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::TooManyValues => format!(
            "trop de valeurs pour {} : « {} »",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidValue)
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "nombre de valeurs incorrect pour {}",
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::ArgumentConflict => {
            let prior = list(ContextKind::PriorArg);
            let arg = ctx(ContextKind::InvalidArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} est donné deux fois")
            } else {
                format!("{arg} ne peut pas être utilisé avec {prior}")
            }
        }
        ErrorKind::InvalidUtf8 => {
            "un argument contient des caractères illisibles (pas en UTF-8)".to_owned()
        }
        _ => "ligne de commande incorrecte".to_owned(),
    };
    let valid = list(ContextKind::ValidValue);
    if !valid.is_empty() {
        msg.push_str(&format!("\n  valeurs possibles : {valid}"));
    }
    let suggested = list(ContextKind::SuggestedArg);
    if !suggested.is_empty() {
        msg.push_str(&format!("\n  vouliez-vous dire « {suggested} » ?"));
    }
    let suggested = list(ContextKind::SuggestedSubcommand);
    if !suggested.is_empty() {
        msg.push_str(&format!("\n  vouliez-vous dire « {suggested} » ?"));
    }
    let path = command_path(argv);
    let help = match path.first() {
        Some(_) => format!("delib {} --help", path.join(" ")),
        None => "delib --help".to_owned(),
    };
    (
        format!("erreur : {msg}\n\nPour plus d'informations : {help}\n"),
        2,
    )
}
