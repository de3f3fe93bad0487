CREATE TABLE `operator_crawl` (
	`id` integer PRIMARY KEY NOT NULL,
	`crawl_id` text NOT NULL,
	`text` text NOT NULL,
	`channels` text,
	`since_ms` integer NOT NULL,
	`until_ms` integer,
	`by` text NOT NULL,
	CONSTRAINT "operator_crawl_single_row" CHECK("operator_crawl"."id" = 1)
);
