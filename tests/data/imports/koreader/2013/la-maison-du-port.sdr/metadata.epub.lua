-- /sdcard/Books/la-maison-du-port.sdr/metadata.epub.lua
return {
    ["doc_path"] = "/sdcard/Books/la-maison-du-port.epub",
    ["highlight"] = {
        [2] = {
            [1] = {
                ["datetime"] = "2013-06-17 20:13:27",
                ["drawer"] = "lighten",
                ["pos0"] = "/body/DocFragment[1]/body/p[3]/text().0",
                ["pos1"] = "/body/DocFragment[1]/body/p[3]/text().108",
                ["text"] = "On ne quitte jamais vraiment une maison : on emporte seulement la clé, et la porte reste ouverte derrière soi.",
            },
        },
        [1] = {
            [1] = {
                ["datetime"] = "2013-06-17 20:05:02",
                ["drawer"] = "lighten",
                ["pos0"] = "/body/DocFragment[1]/body/p[2]/text().0",
                ["pos1"] = "/body/DocFragment[1]/body/p[2]/text().44",
                ["text"] = "Le matin, la mer était grise et patiente\
",
            },
        },
    },
    ["last_percent"] = 0.5,
}
