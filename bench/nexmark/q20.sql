-- Nexmark q20: expand bid with auction. Every bid on an auction of category 10, with that
-- auction's columns (a join that keeps all rows of both sides).
SELECT B.auction, B.bidder, B.price, B.channel, B.url, B."dateTime" AS bid_datetime,
       B.extra AS bid_extra, A."itemName", A.description, A."initialBid", A.reserve,
       A."dateTime" AS auction_datetime, A.expires, A.seller, A.category,
       A.extra AS auction_extra
FROM bid AS B
INNER JOIN auction AS A ON B.auction = A.id
WHERE A.category = 10
