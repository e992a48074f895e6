-- /mnt/onboard/Books/the-salt-road.sdr/metadata.epub.lua
return {
    ["annotations"] = {
        [1] = {
            ["chapter"] = "One",
            ["color"] = "red",
            ["datetime"] = "2024-03-03 21:15:02",
            ["drawer"] = "lighten",
            ["page"] = "/body/DocFragment[2]/body/p[1]/text().0",
            ["pageno"] = 3,
            ["pos0"] = "/body/DocFragment[2]/body/p[1]/text().0",
            ["pos1"] = "/body/DocFragment[2]/body/p[1]/text().117",
            ["text"] = "The road to the salt flats began where the orchard ended, and nobody in the village could say who had first walked it.",
        },
        [2] = {
            ["chapter"] = "One",
            ["datetime"] = "2024-03-03 21:20:40",
            ["page"] = "/body/DocFragment[2]/body/p[3]/text().0",
            ["pageno"] = 4,
            ["text"] = "in One",
        },
        [3] = {
            ["chapter"] = "Two",
            ["color"] = "green",
            ["datetime"] = "2024-03-04 07:30:00",
            ["datetime_updated"] = "2024-03-05 18:02:13",
            ["drawer"] = "underscore",
            ["note"] = "The flats \"sing\":\
like a kettle.",
            ["page"] = "/body/DocFragment[3]/body/p[2]/text().0",
            ["pageno"] = 9,
            ["pos0"] = "/body/DocFragment[3]/body/p[2]/text().0",
            ["pos1"] = "/body/DocFragment[3]/body/p[2]/text().44",
            ["text"] = "The flats were not silent, as I had been told.\
They hissed and cracked under the sun",
        },
    },
    ["cre_dom_version"] = 20240114,
    ["doc_pages"] = 14,
    ["doc_path"] = "/mnt/onboard/Books/the-salt-road.epub",
    ["doc_props"] = {
        ["authors"] = "Ada Quill",
        ["description"] = "A walk to the salt flats.",
        ["language"] = "en",
        ["title"] = "The Salt Road",
    },
    ["highlight_drawer"] = "lighten",
    ["percent_finished"] = 0.64285714285714,
    ["stats"] = {
        ["authors"] = "Ada Quill",
        ["highlights"] = 2,
        ["notes"] = 1,
        ["pages"] = 14,
        ["title"] = "The Salt Road",
    },
    ["summary"] = {
        ["modified"] = "2024-03-05",
        ["status"] = "reading",
    },
}
