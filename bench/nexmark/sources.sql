-- The three Nexmark topics written by `spate nexmark` as spate sources. Column names are the
-- JSON field names (quoted where they have capitals), and every event time is a TIMESTAMP with
-- the reference's watermark, 4 seconds behind the largest event time seen.

CREATE SOURCE person (
    id BIGINT,
    name VARCHAR,
    "emailAddress" VARCHAR,
    "creditCard" VARCHAR,
    city VARCHAR,
    state VARCHAR,
    "dateTime" TIMESTAMP,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH (topic = 'person', format = 'json', 'scan.startup.mode' = 'earliest-offset');

CREATE SOURCE auction (
    id BIGINT,
    "itemName" VARCHAR,
    description VARCHAR,
    "initialBid" BIGINT,
    reserve BIGINT,
    "dateTime" TIMESTAMP,
    expires TIMESTAMP,
    seller BIGINT,
    category BIGINT,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH (topic = 'auction', format = 'json', 'scan.startup.mode' = 'earliest-offset');

CREATE SOURCE bid (
    auction BIGINT,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    "dateTime" TIMESTAMP,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH (topic = 'bid', format = 'json', 'scan.startup.mode' = 'earliest-offset');
