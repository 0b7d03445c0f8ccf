import type { LanguageData } from "./language-data";

export const indonesian: LanguageData = {
  phrases: `
selamat pagi semua
selamat malam
udah gak kuat
ngantuk banget
aku suka banget sama {topic}
pengen cepet weekend
hari ini seru banget
aku lagi {mood} banget {time}
ada yang suka {topic} juga?
gak nyangka banget
pertandingan yang keren
ayo semangat
lagu baru {person} bagus banget
lagi dengerin {person} {time}
selamat ulang tahun sahabatku
kangen {topic}
akhirnya jumat
senin lagi
laper banget
pengen tidur seharian
jujur aku suka {topic}
makasih buat semuanya
aku sayang kamu
barusan ditelpon mama
panas banget {time}
hujan lagi
mau tidur dulu
gak ada yang bahas {topic}
{person} keren banget
bangga sama {person}
lagi kepikiran {topic} terus
besok ujian
malam ini {topic} sama keluarga
hidup itu indah
follow aku nanti aku follback
video baru di channel aku
siapa yang mau ke konser {person}?
tiket konser {person} udah habis
pengen {topic}
benci hari senin
{topic} terbaik di dunia
gak ada yang ngalahin {topic}
{topic} udah mulai
ada yang bisa jelasin {topic}?
di rumah aja mikirin {topic}
selamat tahun baru
kucingku lucu banget
gol yang indah
kita menang!
lagi nyoba twitter api buat bikin bot
`,
  topics:
    "musik, bola, pertandingan, makanan, kopi, bakso, nasi goreng, mie ayam, sate, martabak, seblak, indomie, " +
    "liburan, pantai, kerjaan, sekolah, kuliah, weekend, keluarga, teman, rumah, kucing, drakor, film, " +
    "netflix, konser, album baru, timnas, liga inggris, persib, persija, gym, hujan, macet, jakarta, bandung, " +
    "surabaya, bali, jogja, indonesia, cinta, hidup, uang, ujian, tugas, meme, es krim, coklat, teh, sarapan, " +
    "makan siang, makan malam, tidur siang, game, anime, buku, fashion, makeup, berita, politik, pemilu, dangdut, " +
    "kpop, gunung, taman, lebaran, ramadan, mudik, minggu, senin, jumat",
  moods: "senang, capek, sedih, bosan, semangat, gugup, bangga, bingung, santai, stres, sakit, bahagia, galau, laper",
  times: "hari ini, malam ini, sekarang, besok, weekend ini, semalam, seharian, minggu ini, lagi, terus",
  people:
    "raisa, tulus, isyana, bts, justin bieber, bieber, blackpink, taylor swift, jkt48, rizky febian, mahalini, " +
    "lyodra, afgan, dewa 19, sheila on 7, selena gomez, cristiano ronaldo, messi",
  fillers: "wkwk, wkwkwk, wkwkwkwk, haha, hahaha, anjir, duh, deh, sih, dong, yaampun, mantap, asli, btw",
  firstNames: "Budi Siti Agus Dewi Andi Putri Rizky Ayu Dimas Nur Fajar Indah Bayu Rina Yoga Sari Eko Fitri",
  lastNames: "Saputra Wijaya Santoso Pratama Hidayat Nugroho Kusuma Setiawan Lestari Putra Wibowo Rahmawati",
};
