-- bench/run: the aggregates behind GET /api/v1/coops/{coopID}/indicators and
-- GET /api/v1/network/indicators, as raw SQL for the sqlite3 CLI (SQLite flavour; the
-- PostgreSQL one is bench/indicators.postgres.sql, the same queries).
--
-- A template: bench/run substitutes the placeholders with SQL literals as the database stores
-- them (SQLite: UUIDs as uppercase TEXT, dates as REAL Unix seconds):
--   {{COOP}}   the cooperative's id
--   {{FROM}}   a period's first day, midnight Europe/Paris
--   {{END}}    the day after the period's last day, midnight Europe/Paris (exclusive)
--   {{START}}  the window's first day: the first day of the PREVIOUS period
--   {{FIRST_DAY}}, {{LAST_DAY}}  a period's first and last days as 'YYYY-MM-DD' (the day rollups' key)
-- and runs, per cooperative, as the endpoint does (ImpactRepository.figures):
--   the section "records" once, over the window [previous period's first day, END): the
--   records read once for both periods;
--   then twice, for the period asked and for the previous period of the same length just
--   before it (the endpoint computes both): the section "trade-from-sales" (a, b: the issue's
--   queries, on sales and sale_lines) or, for the second variant bench/run times when the app
--   keeps day rollups (tables sale_day_lines and sale_day_tickets), "trade-from-rollups" (the
--   same sums from the day rows); then the section "period" (c, d).
-- For the network, every cooperative of the network in turn (one query set per cooperative,
-- like the endpoint's loop; no `cooperative_id IN (...)`).
--
-- Each statement is timed by `.timer on`; bench/run adds up the "Run Time: real" values.

-- @section records

-- e. Pathways opened before the end, with the person's QPV.
SELECT p.id, p.opened_on, p.exit_date, p.exit_destination, p.referral_id, s.qpv_code
FROM pathways p JOIN persons s ON s.id = p.person_id
WHERE p.cooperative_id = {{COOP}} AND p.opened_on < {{END}};

-- e. Referrals of the cooperative (sent on, referrer kind, barriers at entry).
SELECT id, created_at, status_changed_at, referrer_kind, barriers
FROM referrals WHERE cooperative_id = {{COOP}};

-- e. Barrier checks of those pathways.
SELECT b.pathway_id, b.barrier, b.level, b.assessed_on
FROM barrier_assessments b JOIN pathways p ON p.id = b.pathway_id
WHERE p.cooperative_id = {{COOP}} AND p.opened_on < {{END}}
ORDER BY b.assessed_on, b.created_at;

-- e. Hours worked, by week and status, over the window.
SELECT w.week, w.status, SUM(w.minutes)
FROM work_hours w JOIN pathways p ON p.id = w.pathway_id
WHERE p.cooperative_id = {{COOP}} AND w.week >= {{START}} AND w.week < {{END}}
GROUP BY w.week, w.status;

-- e. Associates, their categories and colleges.
SELECT category_id, college_id, admitted_on, exited_on, status FROM members WHERE cooperative_id = {{COOP}};
SELECT id, name FROM member_categories WHERE cooperative_id = {{COOP}};
SELECT id, name FROM voting_colleges WHERE cooperative_id = {{COOP}};

-- e. Capital moves up to the end.
SELECT kind, SUM(amount_cents), COUNT(*) FROM capital_operations
WHERE cooperative_id = {{COOP}} AND date < {{END}} GROUP BY kind;

-- e. Assemblies held in the window, with how many associates attended each.
SELECT a.id, a.held_on, COUNT(DISTINCT t.member_id)
FROM assemblies a LEFT JOIN assembly_attendances t ON t.assembly_id = a.id
WHERE a.cooperative_id = {{COOP}} AND a.held_on >= {{START}} AND a.held_on < {{END}}
GROUP BY a.id, a.held_on;

-- @section trade-from-sales

-- a. Till lines by tier, funder and category.
SELECT l.tier, l.funded_by, l.category, SUM(l.quantity), SUM(l.price_cents * l.quantity), SUM(l.public_price_cents * l.quantity)
FROM sale_lines l JOIN sales s ON s.id = l.sale_id
WHERE s.cooperative_id = {{COOP}} AND s.recorded_at >= {{FROM}} AND s.recorded_at < {{END}}
GROUP BY l.tier, l.funded_by, l.category;

-- b. Tickets by tier (a refund counts minus one), donations, pool draws, suspended meals.
SELECT tier, SUM(CASE WHEN refund_of IS NULL THEN 1 ELSE -1 END), SUM(donation_cents), SUM(pool_draw_cents), SUM(suspended_meals)
FROM sales
WHERE cooperative_id = {{COOP}} AND recorded_at >= {{FROM}} AND recorded_at < {{END}}
GROUP BY tier;

-- @section trade-from-rollups

-- a. Till lines by tier, funder and category, from the day rows ('' stands for no funder there).
SELECT tier, funded_by, category, SUM(quantity), SUM(sales_cents), SUM(public_value_cents)
FROM sale_day_lines
WHERE cooperative_id = {{COOP}} AND day >= {{FIRST_DAY}} AND day <= {{LAST_DAY}}
GROUP BY tier, funded_by, category;

-- b. Tickets by tier, from the day rows.
SELECT tier, SUM(tickets), SUM(donation_cents), SUM(pool_draw_cents), SUM(suspended_meals)
FROM sale_day_tickets
WHERE cooperative_id = {{COOP}} AND day >= {{FIRST_DAY}} AND day <= {{LAST_DAY}}
GROUP BY tier;

-- @section period

-- c. Households served: the tier of each household's last sale of the period (refunds
-- aside), counted by tier. `+refund_of` (SQLite's way of saying "no index for this term", same
-- rows) keeps the planner off the unique index on refund_of: nearly every ticket has it NULL,
-- so through that index `refund_of IS NULL` reads every ticket of the network instead of the
-- cooperative's year through sales_coop_recorded (measured: 0.19-0.26 s against 0.03 s at N=1,
-- and growing with the network).
SELECT tier, COUNT(*) FROM (
    SELECT household_id, tier, ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY recorded_at DESC, number DESC) AS latest
    FROM sales
    WHERE cooperative_id = {{COOP}} AND household_id IS NOT NULL AND +refund_of IS NULL
      AND recorded_at >= {{FROM}} AND recorded_at < {{END}}
) last_sales
WHERE latest = 1
GROUP BY tier;

-- d. Purchases by supplier, family, characteristics and local definition; the suppliers.
SELECT supplier_id, family, characteristics, local_kind, local_km, SUM(price_cents)
FROM purchase_lines
WHERE cooperative_id = {{COOP}} AND date >= {{FROM}} AND date < {{END}}
GROUP BY supplier_id, family, characteristics, local_kind, local_km;
SELECT * FROM suppliers WHERE cooperative_id = {{COOP}};
