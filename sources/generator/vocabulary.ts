import { Random } from "./random";

/**
 * The generator's vocabulary: for each language a core of real common words, the shared pop
 * culture words that people track (bieber, music, ...), and a long tail of pseudo-words built
 * from the language's syllables, ranked so that a Zipf distribution over the ranks gives a
 * realistic long-tailed word frequency. Fixed for all seeds: the seed picks the stream, not the
 * language.
 */

export const LANGUAGES = ["en", "ja", "es", "pt", "id", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Share of each language in the stream, roughly that of the public sample stream. */
export const LANGUAGE_WEIGHTS: Readonly<Record<Language, number>> = {
  en: 0.4,
  ja: 0.2,
  es: 0.14,
  pt: 0.1,
  id: 0.09,
  fr: 0.07,
};

/** Words people track, shared by every language; their rank sets how often they show up. */
export const POP_WORDS = (
  "music love game news video live football movie netflix kpop album concert bieber iphone anime " +
  "crypto bitcoin election weather coffee pizza summer party photo fashion nba worldcup oscars tiktok " +
  "youtube spotify taylor swift rihanna drake beyonce messi ronaldo marvel starwars pokemon minecraft " +
  "fortnite playstation xbox nintendo apple tesla nasa olympics justin selena grammys bts"
).split(" ");

/** Rank of the first pop word, and the distance between two pop words in each ranking. */
const POP_FIRST_RANK = 20;
const POP_SPACING = 5;
/** Words per language, core and pseudo-words together. */
const VOCABULARY_SIZE = 3000;

const CORE_WORDS: Readonly<Record<Language, string>> = {
  en:
    "the i to a and is you it in my of that for me on this be so just with but not have your are all was like " +
    "do what at can no get up we if it's don't out one know now day good how time today they when people about " +
    "from more will one got go see need want can't really think going lol back much new too still make his her " +
    "there than here only some then been would did why she he best happy thank thanks right night tonight " +
    "work life feel always never even better great first last morning tomorrow year home school friends world " +
    "man girl baby miss look come take every wait watch watching show tweet follow please guys amazing " +
    "beautiful fun hate nice crazy funny sad tired omg yes yeah okay bad big little long little way thing " +
    "things could should someone everyone something nothing birthday weekend team win play playing song " +
    "songs listen ready proud dream heart mom dad family food pretty cute excited sleep hope real free " +
    "money city car phone job class days hours week again because before after while getting help",
  ja:
    "今日 私 笑 本当 好き めっちゃ ありがとう 明日 みんな 最高 かわいい 楽しい 嬉しい 仕事 時間 今 " +
    "ちょっと すごい やばい おはよう おやすみ 学校 友達 ライブ 映画 音楽 写真 ゲーム 一緒 最近 " +
    "初めて 大好き 疲れた 眠い 頑張る 行きたい 見た 聞いた 食べた 思う 言う 人 自分 気持ち 感じ " +
    "なんか やっぱり まじ 全然 絶対 もう まだ ずっと また 早く 久しぶり 可愛い 面白い 美味しい " +
    "ラーメン 寿司 カフェ 東京 大阪 夏 冬 雨 天気 週末 休み 誕生日 おめでとう 応援 感謝 " +
    "お疲れ様 よろしく 配信 動画 新曲 アニメ 漫画 推し 尊い 神 草 待って 楽しみ 無理 " +
    "今夜 朝 夜 電車 会社 先生 家族 ママ パパ 猫 犬 ご飯 お腹 寝る 起きた 帰る 来た 会いたい",
  es:
    "de que la el en y a los se no por un con me las es lo mi una para te si del al mas pero como ya todo " +
    "yo eso esta muy bien hoy hay tu ser cuando porque esto son mejor nada vida dia amor siempre quiero " +
    "tengo puedo hacer solo asi gracias bueno jaja jajaja feliz noche mañana tiempo gente alguien nunca " +
    "donde quien ahora casa mundo años buenas buenos dias hola mucho todos también ver sin sobre fue va " +
    "estoy tiene sabe creo cosas otra otro mismo nos les ella él hermosa lindo linda equipo partido " +
    "fútbol canción canciones escuchar fiesta verano amigos familia mamá papá corazón trabajo escuela " +
    "semana fin nuevo nueva primera última vez real madrid barcelona méxico argentina españa",
  pt:
    "de que e o a não do da em eu um para é com me uma os no se na por mais as dos como mas você " +
    "meu minha muito já tem só isso bem quando sua seu pra vou tudo hoje dia amor nada ser ele ela " +
    "vida sempre agora gente quero obrigado obrigada bom boa noite dormir casa mundo ano anos kkkk " +
    "kkkkk rs aqui lá porque sei tô tá vai ver fazer falar fica ainda nunca melhor feliz saudade " +
    "amigos família mãe pai coração trabalho escola semana fim novo nova música jogo futebol time " +
    "brasil são paulo rio flamengo corinthians palmeiras festa verão praia linda lindo demais",
  id:
    "yang di aku ini itu dan ke gak ya ga kamu ada dari apa aja udah juga lagi sama mau bisa jadi " +
    "tapi kalo kok deh sih nih dong tuh nya orang banget buat pagi malam hari selamat semua kita " +
    "mereka dia sudah belum akan harus masih bukan tidak jangan pernah selalu baru lama sekarang " +
    "besok kemarin makan minum tidur kerja kuliah sekolah rumah teman keluarga ibu ayah sayang cinta " +
    "rindu kangen senang sedih capek lucu cantik ganteng keren mantap wkwk wkwkwk haha hahaha " +
    "jakarta bandung surabaya indonesia bola lagu nonton main pergi pulang datang lihat tahu",
  fr:
    "de la le et les à des en un une que est pas je du pour il qui dans sur au tu ce on mais avec " +
    "plus me se ne ça moi tout fait bien c'est j'ai suis elle nous vous ils mon ma mes ton ta son sa " +
    "comme aussi trop très encore jamais toujours rien quand même fait faire avoir être aller voir " +
    "dire merci bonjour bonne soirée nuit journée demain aujourd'hui hier amour vie monde gens " +
    "ami amis famille maman papa coeur travail école semaine week-end nouveau nouvelle chanson match " +
    "équipe paris france lyon marseille mdr ptdr trop beau belle génial super",
};

/** Syllables for the pseudo-word tail and for names, so that invented words look native. */
const SYLLABLES: Readonly<Record<Language, string>> = {
  en: "ba be bi bo bu ca co cu da de di do fa fe fi fo ga go ha he hi ho ja jo ka ke ki la le li lo lu ma me mi mo na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi wa we wi ya yo za ton ster ing er ly ward son ley",
  ja: "ア イ ウ エ オ カ キ ク ケ コ サ シ ス セ ソ タ チ ツ テ ト ナ ニ ヌ ネ ノ ハ ヒ フ ヘ ホ マ ミ ム メ モ ヤ ユ ヨ ラ リ ル レ ロ ワ ン ガ ギ グ ゲ ゴ ザ ジ ズ ゼ ゾ ダ デ ド バ ビ ブ ベ ボ パ ピ プ ペ ポ ー",
  es: "ba be bi bo ca ce ci co cu cha che chi da de di do fa fe fi ga go gu la le li lo lu lla llo ma me mi mo na ne ni no ña ño pa pe pi po que qui ra re ri ro rra sa se si so ta te ti to va ve vi za zo ción dad",
  pt: "ba be bi bo ca ce ci co da de di do fa fe fi ga go gu la le li lo lha lho ma me mi mo na ne ni no nha nho pa pe pi po que qui ra re ri ro sa se si so ta te ti to va ve vi xa ção dade ões",
  id: "ba be bi bu ca ci da de di du ga gi gu ha hi ja ju ka ke ki ku la li lu ma me mi mu na ne ni nu nga ngi nya nyu pa pe pi pu ra ri ru sa se si su ta te ti tu wa wi ya yu kan nya lah",
  fr: "ba be bi bo ca ce ci co da de di do fa fe fi fo ga ge gi go la le li lo lu ma me mi mo na ne ni no pa pe pi po que qui ra re ri ro sa se si so ta te ti to va ve vi tion ment eur eux oir ette",
};

const FIRST_NAMES: Readonly<Record<Language, string>> = {
  en: "James Mary John Patricia Robert Jennifer Michael Linda David Emily Chris Sarah Jessica Ashley Daniel Matt Josh Amanda Ryan Nicole Tyler Megan Kevin Rachel Brandon Lauren Justin Hannah Kayla Jake",
  ja: "翔太 陽菜 蓮 結衣 大輝 美咲 拓海 さくら 健太 葵 ゆうき あやか たくや まい ひろと なな",
  es: "María José Juan Ana Carlos Lucía Luis Sofía Javier Valentina Diego Camila Pablo Daniela Andrés Paula Miguel Fernanda Alejandro Gabriela",
  pt: "João Maria Pedro Ana Lucas Julia Gabriel Beatriz Mateus Larissa Rafael Camila Felipe Amanda Bruno Mariana Thiago Letícia",
  id: "Budi Siti Agus Dewi Andi Putri Rizky Ayu Dimas Nur Fajar Indah Bayu Rina Yoga Sari Eko Fitri",
  fr: "Jean Marie Pierre Camille Louis Léa Lucas Chloé Hugo Manon Thomas Inès Nicolas Sarah Julien Emma Antoine Clara",
};

const LAST_NAMES: Readonly<Record<Language, string>> = {
  en: "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson White Harris Clark Lewis Walker Hall",
  ja: "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田",
  es: "García Rodríguez Martínez López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Morales Ortiz",
  pt: "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins Carvalho",
  id: "Saputra Wijaya Santoso Pratama Hidayat Nugroho Kusuma Setiawan Lestari Putra Wibowo Rahmawati",
  fr: "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel",
};

/** Romanized name parts for usernames of languages that are not written in Latin script. */
const ROMAN_NAMES: Readonly<Partial<Record<Language, string>>> = {
  ja: "shota hina ren yui daiki misaki takumi sakura kenta aoi yuki ayaka takuya mai hiroto nana sato suzuki tanaka yamada",
};

export interface LanguageVocabulary {
  readonly language: Language;
  /** Words by rank, most common first. */
  readonly words: readonly string[];
  /** Words fit for hashtags: the ranking without the core's function words. */
  readonly tagWords: readonly string[];
  readonly syllables: readonly string[];
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  /** Name parts in Latin script, for usernames. */
  readonly handleParts: readonly string[];
  /** Whether words are written without spaces between them. */
  readonly unspaced: boolean;
}

const split = (list: string): string[] => list.split(/\s+/).filter((word) => word.length > 0);

/** How many of the core's first words are too plain to be hashtags. */
const FUNCTION_WORD_COUNT = 40;

function pseudoWords(syllables: readonly string[], taken: Set<string>, count: number, seed: number): string[] {
  const random = new Random(seed);
  const words: string[] = [];
  for (let attempts = 0; words.length < count && attempts < count * 20; attempts++) {
    let word = "";
    const length = random.between(2, 4);
    for (let i = 0; i < length; i++) word += random.pick(syllables);
    // No word starts with a long-vowel mark or a syllabic n, in Japanese or elsewhere.
    if (taken.has(word) || /^[ーン]/.test(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

function rankWords(core: readonly string[]): string[] {
  const ranked: string[] = [];
  const taken = new Set<string>();
  const add = (word: string): void => {
    if (taken.has(word)) return;
    taken.add(word);
    ranked.push(word);
  };
  let coreIndex = 0;
  for (const [popIndex, pop] of POP_WORDS.entries()) {
    const rank = POP_FIRST_RANK + popIndex * POP_SPACING;
    while (ranked.length < rank && coreIndex < core.length) add(core[coreIndex++] ?? "");
    add(pop);
  }
  while (coreIndex < core.length) add(core[coreIndex++] ?? "");
  return ranked;
}

function buildVocabulary(language: Language, index: number): LanguageVocabulary {
  const core = split(CORE_WORDS[language]);
  const syllables = split(SYLLABLES[language]);
  const ranked = rankWords(core);
  const taken = new Set(ranked);
  const words = ranked.concat(pseudoWords(syllables, taken, VOCABULARY_SIZE - ranked.length, 0x51ab1e + index));
  const functionWords = new Set(core.slice(0, FUNCTION_WORD_COUNT));
  const firstNames = split(FIRST_NAMES[language]);
  return {
    language,
    words,
    tagWords: words.filter((word) => !functionWords.has(word) && !word.includes("'")),
    syllables,
    firstNames,
    lastNames: split(LAST_NAMES[language]),
    handleParts: split(ROMAN_NAMES[language] ?? `${FIRST_NAMES[language]} ${LAST_NAMES[language]}`).map(toHandlePart),
    unspaced: language === "ja",
  };
}

/** Lower-case ASCII letters only, as screen names allow. */
function toHandlePart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

let vocabularies: ReadonlyMap<Language, LanguageVocabulary> | undefined;

/** The vocabularies of all languages, built once per process (a few ms). */
export function vocabularyOf(language: Language): LanguageVocabulary {
  vocabularies ??= new Map(LANGUAGES.map((each, index) => [each, buildVocabulary(each, index)]));
  const vocabulary = vocabularies.get(language);
  if (vocabulary === undefined) throw new RangeError(`no vocabulary for language ${language}`);
  return vocabulary;
}
