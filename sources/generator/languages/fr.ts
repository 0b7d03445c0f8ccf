import type { LanguageData } from "./language-data";

export const french: LanguageData = {
  phrases: `
bonjour tout le monde
bonne nuit
j'en peux plus
j'ai trop sommeil
j'adore {topic}
vivement le week-end
c'était une bonne journée
je suis trop {mood} {time}
{topic}, qui est chaud ?
je n'arrive pas à y croire
quel match
allez les bleus
la nouvelle chanson de {person} est trop bien
j'écoute {person} en boucle
joyeux anniversaire à ma meilleure amie
{topic} me manque
enfin vendredi
encore lundi
j'ai trop faim
je veux juste dormir
franchement {topic} c'est la vie
merci pour tout
je t'aime
ma mère vient de m'appeler
il fait trop chaud {time}
il pleut encore
je vais dormir
{topic}, personne n'en parle
{person} est incroyable
trop fier de {person}
{topic} je peux plus m'en passer
demain j'ai un examen
ce soir c'est {topic} en famille
la vie est belle
suivez-moi je vous suis
nouvelle vidéo sur ma chaîne
qui va au concert de {person} ?
le concert de {person} est complet
{topic} ça me tente trop
je déteste les lundis
{topic} c'est le meilleur truc du monde
rien de mieux que {topic}
c'est parti pour {topic}
quelqu'un peut m'expliquer {topic} ?
{topic} tout le week-end
bonne année à tous
joyeux noël
mon chat est le plus mignon
quel but
on a gagné !
je teste la twitter api pour un petit bot
`,
  topics:
    "la musique, le foot, le match, la bouffe, le café, la pizza, les croissants, l'été, la plage, le boulot, " +
    "l'école, la fac, les vacances, le week-end, la famille, les potes, ma maison, mon chien, mon chat, le cinéma, " +
    "les films, les séries, netflix, le concert, la tournée, le nouvel album, la nouvelle série, le classique, " +
    "le psg, l'om, les bleus, la ligue 1, la ligue des champions, la coupe du monde, la salle de sport, la pluie, " +
    "le froid, la chaleur, noël, mon anniversaire, la soirée, le voyage, les bouchons, le métro, la ville, paris, " +
    "lyon, marseille, la france, la belgique, le québec, l'amour, la vie, l'argent, les examens, les memes, " +
    "la glace, le chocolat, les crêpes, le fromage, le vin, la bière, le petit déjeuner, le déjeuner, le dîner, " +
    "la sieste, les jeux vidéo, les mangas, les livres, la mode, le maquillage, la télé, les infos, la politique, " +
    "les élections, le rap, la mer, la montagne, le parc, dimanche, lundi, vendredi",
  moods:
    "content, contente, fatigué, fatiguée, triste, heureux, heureuse, stressé, stressée, motivé, motivée, malade, " +
    "fier, fière, calme, énervé, perdu, impatient, reconnaissant, amoureux",
  times:
    "aujourd'hui, ce soir, maintenant, demain, ce week-end, hier soir, toute la journée, cette semaine, encore, toujours",
  people:
    "aya nakamura, angèle, stromae, jul, justin bieber, bieber, ninho, orelsan, taylor swift, mbappé, " +
    "zidane, griezmann, dua lipa, bts, pnl, gims, indochine, selena gomez",
  fillers: "mdr, ptdr, lol, bref, wesh, grave, franchement, oh là là, bon, ouf, sérieux, trop, genre, bah",
  firstNames:
    "Jean Marie Pierre Camille Louis Léa Lucas Chloé Hugo Manon Thomas Inès Nicolas Sarah Julien Emma Antoine Clara",
  lastNames: "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel",
};
