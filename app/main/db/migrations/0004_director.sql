CREATE TABLE `director_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`message` text,
	`style` text,
	`channels` text,
	`since_ms` integer NOT NULL,
	`by` text NOT NULL,
	`reason` text,
	CONSTRAINT "director_state_single_row" CHECK("director_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `mode_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at_ms` integer NOT NULL,
	`by` text NOT NULL,
	`reason` text,
	`mode` text NOT NULL,
	`message` text,
	`style` text,
	`channels` text,
	`ok` integer NOT NULL,
	`error` text
);
