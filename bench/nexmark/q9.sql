-- Nexmark q9: winning bids. Each auction with its winning bid: the bid with the largest price
-- (the earliest of those) among the bids made while the auction was open (top-1 per auction
-- over the join of auctions and bids).
SELECT id, "itemName", description, "initialBid", reserve, "dateTime", expires, seller,
       category, extra, auction, bidder, price, bid_datetime, bid_extra
FROM (
    SELECT A.*, B.auction, B.bidder, B.price, B."dateTime" AS bid_datetime, B.extra AS bid_extra,
           ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B."dateTime" ASC) AS rownum
    FROM auction A, bid B
    WHERE A.id = B.auction AND B."dateTime" BETWEEN A."dateTime" AND A.expires
) W
WHERE rownum <= 1
