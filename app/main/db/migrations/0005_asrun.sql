CREATE TABLE `as_run` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` integer NOT NULL,
	`event_id` text,
	`asset_id` integer,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`producer` text,
	`planned_start_ms` integer,
	`planned_end_ms` integer,
	`actual_start_ms` integer NOT NULL,
	`actual_end_ms` integer,
	`seen_ms` integer NOT NULL,
	`in_point_ms` integer DEFAULT 0 NOT NULL,
	`frames` integer DEFAULT 0 NOT NULL,
	`deviation` text,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `as_run_channel_start` ON `as_run` (`channel`,`actual_start_ms`);--> statement-breakpoint
CREATE INDEX `as_run_status` ON `as_run` (`status`);