-- q20 for DuckDB: the same as ../q20.sql
SELECT B.auction, B.bidder, B.price, B.channel, B.url, B."dateTime" AS bid_datetime,
       B.extra AS bid_extra, A."itemName", A.description, A."initialBid", A.reserve,
       A."dateTime" AS auction_datetime, A.expires, A.seller, A.category,
       A.extra AS auction_extra
FROM bid B JOIN auction A ON B.auction = A.id
WHERE A.category = 10
