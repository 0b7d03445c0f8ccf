import type { LanguageData } from "./language-data";

export const english: LanguageData = {
  phrases: `
I love {topic}
can't wait for the weekend
just watched the new episode and I'm {mood}
I'm so {mood} {time}
good morning everyone
good night twitter
who else is thinking about {topic} {time}
{person} is trending again
I need coffee
that moment when your phone dies
{person} new song is so good
listening to {person} on repeat
this is the best day ever
why is {topic} so expensive
happy birthday to my best friend
I miss {topic} so much
{time} was amazing
can we talk about {topic} for a second?
me and my friends {time}
not gonna lie {topic} is overrated
{topic} is the best thing ever
{topic} is actually good
I can't believe this happened
thank you so much for the love
{person} just posted a new video
going to bed now
my mom just called me
so proud of {person}
this song is stuck in my head
who wants to talk about {topic} with me
follow me if you like {topic}
pls follow me back
if you love {topic} follow me
new blog post about {topic}
check out my new video
I really want {topic} right now
so {mood} right now
feeling {mood} {time}
it's raining again
the weather is perfect {time}
school tomorrow ugh
finally friday
monday again
work was so long {time}
I just want to sleep
nobody talks about {topic} enough
{person} and {person} would be iconic
{person} deserves better
I have so much homework
all I want is {topic}
let's go
what a game
we won!
so hyped for {topic}
who is going to the concert {time}?
tickets for {person} sold out in minutes
just bought new shoes
my cat is judging me
my dog is the cutest
lunch with the team
pizza night with the family
I'm never drinking again
road trip with my friends
the last episode broke me
I'm crying over {topic}
don't talk to me about {topic}
okay but {person} looks so good {time}
this is why I love {topic}
tell me why {topic} is so hard
if you know you know
I'm done with this week
finally home
I can't stop laughing
life is good
thank you for everything
stay safe out there
happy new year everyone
merry christmas
don't forget to vote
breaking news about {topic}
this is huge for {topic}
hot take: {topic} is better than {topic}
just finished my first marathon
my playlist is all {person} {time}
new profile picture
is it just me or is {topic} everywhere
please retweet
thanks for the follow
see you {time}
building a little bot with the twitter api {time}
anyone else getting rate limited by the twitter api?
`,
  topics:
    "music, love, coffee, pizza, the game, football, netflix, summer, school, work, sleep, food, movies, the weekend, " +
    "my phone, chocolate, tacos, sushi, basketball, baseball, soccer, the playoffs, the finals, the new album, " +
    "the new episode, the season finale, the trailer, this show, this song, this movie, the concert, the tour, " +
    "my playlist, the gym, yoga, running, the beach, the mountains, road trips, camping, christmas, halloween, " +
    "thanksgiving, my birthday, the holidays, vacation, traffic, the bus, the train, the weather, snow, rain, " +
    "the sun, spring, winter, fall, ice cream, burgers, fries, pancakes, tea, wine, beer, breakfast, lunch, dinner, " +
    "brunch, cats, dogs, puppies, my cat, my dog, homework, exams, college, my job, my boss, meetings, emails, " +
    "the news, politics, the economy, the stock market, startups, coding, javascript, python, my laptop, video games, " +
    "gaming, streaming, podcasts, books, reading, art, photography, makeup, skincare, shoes, sneakers, hoodies, " +
    "jeans, my hair, fashion week, the red carpet, the awards, the halftime show, the super bowl, the world cup, " +
    "the olympics, the champions league, the nba finals, fantasy football, hockey, tennis, golf, formula 1, " +
    "wrestling, boxing, anime, manga, kdramas, reality tv, cooking, baking, my garden, plants, the park, the city, " +
    "new york, london, los angeles, chicago, the airport, flights, hotels, festivals, the club, parties, karaoke, " +
    "dancing, my friends, my family, my mom, my dad, my sister, my brother, my kids, the baby, weddings, dating, " +
    "crushes, memes, tweets, selfies, emojis, hashtags, my timeline, the algorithm, notifications, updates, " +
    "the app, the website, the wifi, my battery, headphones, the iphone, android, the camera, my car, gas prices, " +
    "rent, money, shopping, black friday, sales, deals, the mall, the store, donuts, bagels, smoothies, salad, " +
    "pasta, ramen, tea time, naps, monday, friday, sunday, mornings, nights, the moon, the stars, the ocean, " +
    "climate change, science, space, history, math, the library, my notes, the test, graduation, prom, the team, " +
    "practice, the coach, the refs, overtime, the comeback, the draft, free agency, the trade deadline",
  moods:
    "happy, tired, excited, bored, sad, hungry, sleepy, stressed, blessed, grateful, nervous, proud, confused, " +
    "annoyed, done, ready, hyped, relaxed, lonely, sick, cold, motivated, lazy, emotional, shook, obsessed, broke, " +
    "busy, lucky, thankful",
  times:
    "today, tonight, right now, this morning, this weekend, last night, tomorrow, all day, this week, every day, " +
    "again, this year, at the moment",
  people:
    "taylor swift, beyonce, drake, rihanna, ariana grande, justin bieber, bieber, billie eilish, harry styles, " +
    "selena gomez, the weeknd, bad bunny, dua lipa, ed sheeran, lady gaga, kanye, bts, blackpink, messi, " +
    "ronaldo, lebron, steph curry, serena williams, elon musk, oprah, zendaya, tom holland, olivia rodrigo, shakira, adele, one direction",
  fillers: "lol, omg, lmao, haha, tbh, ngl, smh, idk, honestly, wow, yay, ugh, yes, okay, fr, bruh, literally, same",
  firstNames:
    "James Mary John Patricia Robert Jennifer Michael Linda David Emily Chris Sarah Jessica Ashley Daniel Matt Josh " +
    "Amanda Ryan Nicole Tyler Megan Kevin Rachel Brandon Lauren Justin Hannah Kayla Jake",
  lastNames:
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson White Harris " +
    "Clark Lewis Walker Hall",
};
