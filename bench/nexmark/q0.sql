-- Nexmark q0: pass-through. Every bid with the reference's columns (bids are the most
-- numerous events, so this measures reading and decoding alone).
SELECT auction, bidder, price, "dateTime", extra
FROM bid
