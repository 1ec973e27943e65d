// delib serve : les formulaires de modification.
// Sans ce script, tout marche : « Ajouter », « Retirer » et « Vérifier »
// envoient le formulaire et le serveur renvoie la page. Avec lui, les listes
// s'allongent et raccourcissent sur place, et les constats de delib check
// sont refaits pendant la saisie, à côté des champs.
(function () {
  "use strict";
  var form = document.querySelector("form.edition[data-verifier]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var etat = document.getElementById("etat-verification");
  var minuteur = null;
  var envoi = 0;

  function donnees(action) {
    var d = new FormData(form);
    d.set("_action", action);
    return new URLSearchParams(d);
  }

  function poster(action, format) {
    var url = form.getAttribute("action") + (format ? "&format=" + format : "");
    return fetch(url, {
      method: "POST",
      body: donnees(action),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin"
    });
  }

  // Les constats d'un champ : la liste après son entrée, et aria-invalid.
  function placer(constats) {
    form.querySelectorAll("ul.constats-champ").forEach(function (ul) {
      var champ = document.getElementById("c-" + ul.id.slice(8));
      if (champ) {
        champ.removeAttribute("aria-invalid");
        var ids = (champ.getAttribute("aria-describedby") || "").split(" ")
          .filter(function (i) { return i && i !== ul.id; });
        if (ids.length) { champ.setAttribute("aria-describedby", ids.join(" ")); }
        else { champ.removeAttribute("aria-describedby"); }
      }
      ul.remove();
    });
    var parChamp = {};
    constats.forEach(function (c) {
      if (c.champ === null) { return; }
      (parChamp[c.champ] = parChamp[c.champ] || []).push(c);
    });
    Object.keys(parChamp).forEach(function (nom) {
      var champ = document.getElementById("c-" + nom);
      if (!champ) { return; }
      var ul = document.createElement("ul");
      ul.className = "constats-champ";
      ul.id = "constat-" + nom;
      parChamp[nom].forEach(function (c) {
        var li = document.createElement("li");
        li.className = c.gravite;
        li.innerHTML = c.html;
        ul.appendChild(li);
        if (c.gravite === "erreur") { champ.setAttribute("aria-invalid", "true"); }
      });
      if (champ.tagName === "FIELDSET") {
        var legende = champ.querySelector("legend");
        legende.insertAdjacentElement("afterend", ul);
      } else {
        champ.insertAdjacentElement("afterend", ul);
      }
      var ids = (champ.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(ul.id);
      champ.setAttribute("aria-describedby", ids.join(" "));
    });
  }

  function verifier() {
    var moi = ++envoi;
    poster("verifier", "json").then(function (r) { return r.json(); }).then(function (j) {
      if (moi !== envoi) { return; }
      if (j.conflit) {
        etat.textContent = "Le fichier a changé sur le disque depuis l'ouverture du formulaire : " +
          "enregistrez pour voir ce qui diffère.";
        return;
      }
      placer(j.constats);
      var erreurs = j.constats.filter(function (c) { return c.gravite === "erreur"; }).length;
      var texte = erreurs === 0 ? "Aucune erreur." :
        erreurs + (erreurs > 1 ? " erreurs à corriger." : " erreur à corriger.");
      if (etat.textContent !== texte) { etat.textContent = texte; }
    }).catch(function () {});
  }

  form.addEventListener("input", function () {
    clearTimeout(minuteur);
    minuteur = setTimeout(verifier, 700);
  });

  // Numérote à nouveau les éléments d'une liste (« n° 1 », « n° 2 »…).
  function renumeroter(ol) {
    Array.prototype.forEach.call(ol.children, function (li, i) {
      var l = li.querySelector(":scope > label, :scope > fieldset > legend");
      if (!l) { return; }
      l.childNodes.forEach(function (n) {
        if (n.nodeType === 3) { n.textContent = n.textContent.replace(/n° \d+/, "n° " + (i + 1)); }
      });
    });
  }

  form.addEventListener("click", function (e) {
    var b = e.target.closest("button[name=_action]");
    if (!b) { return; }
    var v = b.value;
    if (v.indexOf("retirer:") === 0) {
      e.preventDefault();
      var li = b.closest("li.element");
      var ol = li.parentNode;
      var suivant = li.nextElementSibling;
      li.remove();
      renumeroter(ol);
      var cible = suivant ? suivant.querySelector("input, textarea, select") :
        ol.parentNode.querySelector("button.ajouter");
      if (cible) { cible.focus(); }
      etat.textContent = "Élément retiré.";
      verifier();
    } else if (v.indexOf("ajouter:") === 0) {
      e.preventDefault();
      var liste = b.closest("fieldset.liste");
      poster(v).then(function (r) { return r.text(); }).then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var neuve = page.getElementById(liste.id);
        if (!neuve) { form.submit(); return; }
        liste.replaceWith(neuve);
        var focus = neuve.querySelector("[autofocus]");
        if (focus) { focus.removeAttribute("autofocus"); focus.focus(); }
        etat.textContent = "Élément ajouté.";
      }).catch(function () { b.form.requestSubmit(b); });
    }
  });
})();
