-- /mnt/us/documents/der-leuchtturm.sdr/metadata.epub.lua
return {
    ["bookmarks"] = {
        [1] = {
            ["chapter"] = "Der Leuchtturm",
            ["datetime"] = "2020-11-02 22:10:05",
            ["highlighted"] = true,
            ["notes"] = "„Ein Licht, das niemand sieht, ist trotzdem ein Licht“, schrieb er im Winter, als kein Schiff mehr kam.",
            ["page"] = "/body/DocFragment[1]/body/p[3]/text().0",
            ["pos0"] = "/body/DocFragment[1]/body/p[3]/text().0",
            ["pos1"] = "/body/DocFragment[1]/body/p[3]/text().103",
            ["text"] = "Der schönste Satz des Buches.",
        },
        [2] = {
            ["chapter"] = "Der Leuchtturm",
            ["datetime"] = "2020-11-02 22:01:44",
            ["highlighted"] = true,
            ["notes"] = "Er sprach wenig, aber er schrieb jeden Abend drei Sätze in ein blaues Heft",
            ["page"] = "/body/DocFragment[1]/body/p[2]/text().19",
            ["pos0"] = "/body/DocFragment[1]/body/p[2]/text().19",
            ["pos1"] = "/body/DocFragment[1]/body/p[2]/text().93",
            ["text"] = "Seite 1 Er sprach wenig, aber er schrieb jeden Abend drei Sätze in ein blaues Heft @ 2020-11-02 22:01:44",
        },
        [3] = {
            ["datetime"] = "2020-11-01 20:00:00",
            ["page"] = "/body/DocFragment[1]/body/p[1]/text().0",
            ["text"] = "Seite 1 Der Leuchtturm stand am Ende der Mole @ 2020-11-01 20:00:00",
        },
    },
    ["doc_path"] = "/mnt/us/documents/der-leuchtturm.epub",
    ["doc_props"] = {
        ["authors"] = "Greta Lindner",
        ["language"] = "de",
        ["title"] = "Der Leuchtturm",
    },
    ["highlight"] = {
        [1] = {
            [1] = {
                ["chapter"] = "Der Leuchtturm",
                ["datetime"] = "2020-11-02 22:01:44",
                ["drawer"] = "lighten",
                ["pos0"] = "/body/DocFragment[1]/body/p[2]/text().19",
                ["pos1"] = "/body/DocFragment[1]/body/p[2]/text().93",
                ["text"] = "Er sprach wenig, aber er schrieb jeden Abend drei Sätze in ein blaues Heft",
            },
            [2] = {
                ["chapter"] = "Der Leuchtturm",
                ["color"] = "blue",
                ["datetime"] = "2020-11-02 22:10:05",
                ["drawer"] = "lighten",
                ["pos0"] = "/body/DocFragment[1]/body/p[3]/text().0",
                ["pos1"] = "/body/DocFragment[1]/body/p[3]/text().103",
                ["text"] = "„Ein Licht, das niemand sieht, ist trotzdem ein Licht“, schrieb er im Winter, als kein Schiff mehr kam.",
            },
        },
    },
    ["highlights_imported"] = true,
    ["percent_finished"] = 1,
}
