import type { LanguageData } from "./language-data";

export const portuguese: LanguageData = {
  phrases: `
bom dia pessoal
boa noite
não aguento mais
que sono
eu amo {topic}
já quero que seja fim de semana
hoje foi um dia bom
tô muito {mood} {time}
alguém mais pensando em {topic}?
não acredito nisso
que jogo
vamos time
a música nova de {person} é muito boa
ouvindo {person} {time}
feliz aniversário pra minha melhor amiga
saudade de {topic}
finalmente sexta
segunda de novo
tô com muita fome
só quero dormir
a verdade é que eu amo {topic}
obrigado por tudo
te amo muito
minha mãe acabou de me ligar
que calor {time}
tá chovendo de novo
vou dormir
ninguém fala de {topic}
{person} é demais
que orgulho de {person}
não paro de pensar em {topic}
amanhã tenho prova
hoje tem {topic} com a família
a vida é boa
me segue que eu sigo de volta
vídeo novo no canal
quem vai no show de {person}?
os ingressos pro show de {person} esgotaram
que vontade de {topic}
odeio segunda
{topic} é a melhor coisa do mundo
nada melhor que {topic}
já começou {topic}
alguém me explica {topic}
em casa pensando em {topic}
feliz ano novo
feliz natal pra todos
meu cachorro é o mais fofo
que golaço
ganhamos!
testando a twitter api num bot novo
`,
  topics:
    "música, futebol, jogo, comida, café, pizza, açaí, verão, praia, trabalho, escola, faculdade, férias, " +
    "fim de semana, família, amigos, minha casa, meu cachorro, meu gato, cinema, filmes, séries, netflix, show, " +
    "turnê, álbum novo, série nova, clássico, flamengo, corinthians, palmeiras, são paulo, seleção, " +
    "brasileirão, libertadores, copa, academia, chuva, frio, calor, natal, carnaval, meu aniversário, festa, " +
    "viagem, trânsito, metrô, cidade, brasil, rio, são paulo, portugal, lisboa, amor, vida, dinheiro, " +
    "prova, memes, sorvete, chocolate, brigadeiro, pão de queijo, churrasco, feijoada, cerveja, caipirinha, " +
    "café da manhã, almoço, jantar, videogame, anime, livros, moda, maquiagem, novela, bbb, notícias, " +
    "política, eleições, funk, sertanejo, pagode, samba, forró, mar, parque, domingo, segunda, sexta",
  moods:
    "feliz, cansado, cansada, triste, entediado, animado, animada, nervoso, nervosa, orgulhoso, apaixonado, " +
    "apaixonada, tranquilo, estressado, contente, doente, grato, grata, com sono, com fome",
  times:
    "hoje, hoje à noite, agora, amanhã, esse fim de semana, ontem à noite, o dia todo, essa semana, de novo, sempre",
  people:
    "anitta, ludmilla, luísa sonza, marília mendonça, justin bieber, bieber, gusttavo lima, taylor swift, neymar, " +
    "vini jr, ivete sangalo, pabllo vittar, iza, jão, bts, selena gomez, shakira, cristiano ronaldo",
  fillers: "kkkk, kkkkk, kkkkkkk, rs, rsrs, haha, mano, gente, nossa, affs, pfv, tipo, sério, socorro",
  firstNames:
    "João Maria Pedro Ana Lucas Julia Gabriel Beatriz Mateus Larissa Rafael Camila Felipe Amanda Bruno Mariana " +
    "Thiago Letícia",
  lastNames: "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins Carvalho",
};
