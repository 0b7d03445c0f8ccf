import type { LanguageData } from "./language-data";

/** Written without spaces between words; a Latin word gets a space on each side, as tweets write them. */
export const japanese: LanguageData = {
  phrases: `
おはようございます
おやすみなさい
今日も一日頑張ろう
{topic}大好き
早く週末にならないかな
今日は楽しかった
{time}めっちゃ{mood}
誰か一緒に{topic}の話しよう
信じられない
いい試合だった
{person}の新曲めっちゃいい
{time}ずっと{person}聴いてる
誕生日おめでとう
{topic}が恋しい
やっと金曜日
また月曜日
お腹すいた
一日中寝ていたい
やっぱり{topic}が好き
いつもありがとう
母から電話きた
{time}暑すぎる
また雨
もう寝る
{topic}の話したい
{person}最高
{person}おめでとう
{topic}にハマってる
明日テストだ
今夜は家族で{topic}
フォローしてくれたらフォロー返します
新しい動画あげました
{person}のライブ行く人いる？
{person}のチケット取れた
{topic}が欲しい
月曜日が嫌い
{topic}の季節がきた
誰か{topic}教えて
家で{topic}のこと考えてる
あけましておめでとう
猫がかわいすぎる
ナイスゴール
勝った！
推しが尊い
仕事終わった
疲れたけど楽しかった
Twitter API でボット作ってる
`,
  topics:
    "音楽, ラーメン, 寿司, カレー, コーヒー, ケーキ, アイス, 焼肉, たこ焼き, ご飯, 映画, アニメ, 漫画, ドラマ, " +
    "ゲーム, ライブ, 新曲, 夏休み, 海, 仕事, 学校, 大学, 週末, 家族, 友達, 猫, 犬, 野球, サッカー, テレビ, " +
    "ネットフリックス, 旅行, 温泉, 花火, お祭り, 桜, 雪, 雨, 東京, 大阪, 京都, 北海道, 沖縄, 推し, 配信, 動画, " +
    "写真, カフェ, お弁当, お菓子, 本, 服, 化粧品, ニュース, 選挙, 紅白, 甲子園, 日本代表, コンビニ, 電車, お正月",
  moods: "楽しい, 眠い, 疲れた, 嬉しい, 寂しい, 悲しい, 暇, 忙しい, 幸せ, 緊張してる, お腹すいた, 元気",
  times: "今日, 今夜, 今, 明日, 週末, 昨日の夜, 一日中, 今週, また, 毎日",
  people:
    "嵐, king gnu, あいみょん, ヨアソビ, 米津玄師, justin bieber, bieber, bts, taylor swift, 大谷翔平, " +
    "ミセス, 藤井風, 星野源, ヒゲダン, 乃木坂, 羽生結弦",
  fillers: "笑, w, www, まじ, やばい, ほんとに, えー, うわ, なるほど, よし",
  firstNames: "翔太 陽菜 蓮 結衣 大輝 美咲 拓海 さくら 健太 葵 ゆうき あやか たくや まい ひろと なな",
  lastNames: "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田",
  romanNames:
    "shota hina ren yui daiki misaki takumi sakura kenta aoi yuki ayaka takuya mai hiroto nana sato suzuki tanaka yamada",
};
