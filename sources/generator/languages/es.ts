import type { LanguageData } from "./language-data";

export const spanish: LanguageData = {
  phrases: `
buenos días a todos
buenas noches
no puedo más
qué sueño tengo
me encanta {topic}
ya quiero que sea fin de semana
hoy es un buen día
estoy muy {mood} {time}
alguien más piensa en {topic}?
no me lo puedo creer
qué buen partido
vamos que se puede
la nueva canción de {person} está muy buena
escuchando a {person} {time}
feliz cumpleaños a mi mejor amiga
extraño {topic}
por fin es viernes
otra vez lunes
tengo mucha hambre
quiero dormir todo el día
la verdad es que {topic} me encanta
lo mejor de {time} fue {topic}
gracias por todo
te quiero mucho
no sé qué hacer con mi vida
mi mamá me acaba de llamar
qué calor hace {time}
está lloviendo otra vez
me voy a dormir
nadie habla sobre {topic}
{person} es lo mejor
qué orgullo {person}
no puedo dejar de pensar en {topic}
mañana tengo examen
me duele la cabeza
hoy toca {topic} con la familia
la vida es bella
sígueme y te sigo
nuevo video en mi canal
quién va al concierto de {person}?
se agotaron las entradas para {person}
necesito {topic} ya
odio los lunes
{topic} es lo mejor del mundo
no hay nada mejor que {topic}
ya empezó {topic}
que alguien me explique {topic}
en casa pensando en {topic}
feliz año nuevo
feliz navidad a todos
mi perro es el más lindo
qué golazo
ganamos!
estoy probando la twitter api para un bot
`,
  topics:
    "música, el fútbol, el partido, la comida, el café, la pizza, los tacos, el verano, la playa, el trabajo, " +
    "la escuela, la universidad, las vacaciones, el fin de semana, la familia, los amigos, mi casa, mi perro, mi gato, " +
    "el cine, las películas, las series, netflix, el concierto, la gira, el nuevo disco, la nueva serie, el clásico, " +
    "el real madrid, el barcelona, la selección, la liga, la champions, el mundial, el gimnasio, la lluvia, el frío, " +
    "el calor, la navidad, mi cumpleaños, la fiesta, el viaje, el tráfico, el metro, la ciudad, méxico, argentina, " +
    "españa, colombia, chile, madrid, buenos aires, el amor, la vida, el dinero, el examen, las tareas, los memes, " +
    "el helado, el chocolate, las empanadas, el asado, la paella, el mate, el tequila, la cerveza, el desayuno, " +
    "la cena, el almuerzo, la siesta, los videojuegos, el anime, los libros, la moda, el maquillaje, los zapatos, " +
    "la radio, las noticias, la política, las elecciones, el reggaeton, la salsa, la bachata, el baile, el mar, " +
    "la montaña, el parque, el domingo, el lunes, el viernes",
  moods:
    "feliz, cansado, cansada, triste, aburrido, aburrida, emocionado, emocionada, nervioso, nerviosa, orgulloso, " +
    "enamorado, enamorada, tranquilo, estresado, contento, contenta, enfermo, agradecido, agradecida",
  times: "hoy, esta noche, ahora, mañana, este fin de semana, anoche, todo el día, esta semana, otra vez, siempre",
  people:
    "bad bunny, shakira, karol g, rosalía, justin bieber, bieber, j balvin, maluma, taylor swift, messi, " +
    "cristiano ronaldo, daddy yankee, ozuna, becky g, anuel, sebastián yatra, aitana, peso pluma, bts, selena gomez",
  fillers: "jaja, jajaja, jajajaja, xd, uff, bueno, vale, wow, ay, dios, oye, neta, literal, gracias",
  firstNames:
    "María José Juan Ana Carlos Lucía Luis Sofía Javier Valentina Diego Camila Pablo Daniela Andrés Paula Miguel " +
    "Fernanda Alejandro Gabriela",
  lastNames:
    "García Rodríguez Martínez López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Morales Ortiz",
};
