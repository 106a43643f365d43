"""The MGA's FAQ (shared/seed): loaded by a data migration and by seed_demo. Verbatim, except
the *Blockchain* answer, which says what the public register really is (migration 0003)."""

BLOCKCHAIN_QUESTION = "Come funziona la Blockchain, e perché usarla?"
BLOCKCHAIN_ANSWER = (
    "Non usiamo una blockchain: usiamo un registro pubblico di trasparenza, costruito come quelli "
    "che rendono verificabili i certificati dei siti web (Certificate Transparency, RFC 9162). "
    "Per ogni documento importante (una polizza emessa, un contratto o una quietanza firmati, "
    "l'apertura di un sinistro) il registro conserva soltanto la sua impronta digitale (hash "
    "SHA-256), il tipo di evento, un codice opaco e l'ora: mai nomi, codici fiscali o altri dati "
    "personali, e mai il documento stesso.\n\nIl registro è pubblico e chiunque può verificarlo "
    "senza doversi fidare di noi: nella pagina «Verifica documento» il browser calcola "
    "l'impronta del PDF, senza inviarlo, e controlla la firma del registro e la prova matematica "
    "che quell'impronta vi è inclusa; lo stesso si può fare senza il nostro sito, con il "
    "verificatore offline che pubblichiamo. Ogni stato del registro (checkpoint) è firmato da "
    "noi, cofirmato da testimoni che ne tengono traccia e marcato temporalmente.\n\nLe "
    "registrazioni si possono solo aggiungere: nessuno, nemmeno noi, può modificare o cancellare "
    "una voce senza che se ne accorga chiunque conservi un checkpoint precedente del registro."
)

FAQ = [
    (
        "Firma digitale",
        "Come usare la Firma Digitale?",
        "Per la Firma Digitale è sufficiente avere a portata di mano il proprio cellulare, in quanto "
        "utilizza una validazione tramite SMS.\n\nUna volta emessa la Polizza riceverai un’e-mail, "
        "all’indirizzo di posta elettronica da te indicato, contenente un link. Cliccando su "
        "quest’ultimo sarà possibile visualizzare il contratto da sottoscrivere. Per apporre la firma "
        "sarà sufficiente inserire il codice ricevuto via SMS, che ti invieremo contestualmente, "
        "nell'apposito form della pagina. In questo modo otterrai la tua Polizza velocemente, senza "
        "dover stampare, firmare e scansionare il documento.",
    ),
    (
        "Blockchain",
        BLOCKCHAIN_QUESTION,
        BLOCKCHAIN_ANSWER,
    ),
    (
        "Gestione sinistri",
        "Come funziona la “Gestione interna dei sinistri” di Heca?",
        "Nell’apposita sezione del nostro CRM puoi aprire facilmente un sinistro, e allegare tutta la "
        "documentazione richiesta.\n\nSuccessivamente viene assegnato un numero univoco, e un "
        "liquidatore gestirà la tua pratica. Le tempistiche dipendono dalla compagnia e dalla "
        "velocità con cui si forniscono i documenti richiesti, comunque occorrono circa 20 giorni per "
        "ricevere il numero identificativo del sinistro e completare l'istruttoria.\n\nNel momento in "
        "cui Heca riceve la quietanza, è nostra responsabilità avvisare il cliente assicurato.\n\nSe "
        "il cliente accetta la liquidazione, Heca si occupa di gestire la quietanza e il rapporto con "
        "il Liquidatore.\n\nSe invece il cliente non accetta la liquidazione, solleveremo le "
        "obiezioni necessarie per arrivare a una liquidazione definitiva.",
    ),
    (
        "Gestione sinistri",
        "Quali sono le tempistiche di gestione del sinistro?",
        "La tempistica di gestione del sinistro dipende dalla Compagnia assicurativa e dalla "
        "velocità con cui il cliente completa la documentazione richiesta. In media, occorrono "
        "almeno 20 giorni lavorativi per ricevere il numero identificativo del sinistro e completare "
        "l'istruttoria.",
    ),
    (
        "Gestione sinistri",
        "Cosa succede al momento della liquidazione del danno?",
        "Nel momento in cui Heca riceve la quietanza inviata dal Liquidatore incaricato dalla "
        "Compagnia, è nostra responsabilità avvisare l’assicurato.\n\nSe il cliente accetta la "
        "liquidazione, Heca si occupa di gestire la quietanza e il rapporto con il Liquidatore.\n\n"
        "Se invece il cliente non accetta la liquidazione, solleveremo le obiezioni necessarie per "
        "arrivare a una liquidazione definitiva.",
    ),
    (
        "Gestione sinistri",
        "Come posso conoscere i progressi di una richiesta di sinistro?",
        '1. Nella colonna di sinistra premi su "APRI SINISTRO"\n2. Si aprirà la schermata con le '
        "polizze su cui è possibile aprire il sinistro\n3. Cerca manualmente o utilizza l'apposita "
        'sezione "ricerca" per trovare le polizze\n4. Premi "VISUALIZZA SINISTRI" per vedere '
        "tutte le pratiche sinistrate di competenza\n5. Vedrai il punto della gestione in cui si "
        "trova la pratica e potrai aggiungere documenti o note",
    ),
    (
        "Piattaforma di Heca",
        "Cosa posso fare tramite il CRM di Heca?",
        "Nella Dashboard principale, a cui puoi accedere cliccando su “Accedi” in alto a destra o "
        "registrandoti, puoi trovare le funzionalità principali del nostro CRM, che ti consentono di "
        "gestire completamente, e in totale autonomia, tutte le fasi delle pratiche.\n\nIn "
        "particolare troverai:\n• AGGIUNGI PRATICA: per l’emissione di un nuovo contratto\n"
        "• RINNOVA PRATICA: per gestire i rinnovi\n• FAI PREVENTIVO: per richiedere un preventivo "
        "senza emettere un contratto\n• PRATICHE E PREVENTIVI: per gestire tutte le pratiche, i "
        "preventivi, le scadenze e i contratti emessi",
    ),
    (
        "Piattaforma di Heca",
        "Come posso gestire tutte le mie pratiche e i preventivi, le caratteristiche e le scadenze?",
        "Nella tua Dashboard puoi visualizzare la lista completa delle polizze e dei preventivi da te "
        "richiesti, il loro stato, le scadenze, e molto altro.\n\nDalla tua Dashboard clicca su "
        "“Pratiche e preventivi”.\n\nDa qui potrai accedere a tra schermate:\n• Pratiche, che ti "
        "permette di:\n  ◦ Visualizzare lo stato delle pratiche\n  ◦ Emettere le polizze\n"
        "  ◦ Scaricare o aggiungere dei documenti\n  ◦ Perfezionare le pratiche\n  ◦ Rispondere ad "
        "eventuali richieste dell’operatore visualizzando le comunicazioni\n• Pratiche in scadenza, "
        "che ti permette di visionare tutte le pratiche in scadenza; è responsabilità del "
        "Collaboratore procedere al rinnovo, tramite la funzione dedicata\n• Preventivi, che ti "
        "permette di accedere alla lista dei preventivi, che possono essere poi trasformati in "
        "pratica, seguendo la procedura per avviare una nuova pratica, oppure si può procedere al "
        "rinnovo, seguendo la procedura dedicata",
    ),
    (
        "Piattaforma di Heca",
        "Posso chiedere un preventivo per un cliente con garanzie particolari o con sinistri?",
        "Certo, ma ti chiediamo di contattarci.\n\nIn questo modo, grazie al nostro supporto, "
        "possiamo trovare insieme la soluzione più efficace e sicura per il tuo cliente, con una "
        "copertura personalizzata.",
    ),
]


def load_seed_faq(faq_model) -> None:
    """Create the seed's questions that are missing (the model may be a migration's)."""
    for position, (section, question, answer) in enumerate(FAQ, start=1):
        faq_model.objects.get_or_create(
            question=question,
            defaults={"section": section, "answer": answer, "position": position},
        )
