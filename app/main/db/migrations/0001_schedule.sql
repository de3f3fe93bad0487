CREATE TABLE `playlog_events` (
	`id` text PRIMARY KEY NOT NULL,
	`day_id` integer NOT NULL,
	`channel_id` integer NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`kind` text NOT NULL,
	`asset_id` integer,
	`title` text NOT NULL,
	`in_point_ms` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`path` text,
	`has_video` integer NOT NULL,
	`has_audio` integer NOT NULL,
	FOREIGN KEY (`day_id`) REFERENCES `schedule_days`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `playlog_events_channel_start` ON `playlog_events` (`channel_id`,`start_ms`);--> statement-breakpoint
CREATE INDEX `playlog_events_day` ON `playlog_events` (`day_id`);--> statement-breakpoint
CREATE TABLE `schedule_blocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day_id` integer NOT NULL,
	`channel_id` integer NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`subtitle` text,
	`season` integer,
	`episode` integer,
	`asset_id` integer,
	`zone` text,
	`cursor_key` text,
	FOREIGN KEY (`day_id`) REFERENCES `schedule_days`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `schedule_blocks_channel_start` ON `schedule_blocks` (`channel_id`,`start_ms`);--> statement-breakpoint
CREATE INDEX `schedule_blocks_day` ON `schedule_blocks` (`day_id`);--> statement-breakpoint
CREATE TABLE `schedule_days` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_id` integer NOT NULL,
	`broadcast_date` text NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`first_ms` integer NOT NULL,
	`last_ms` integer NOT NULL,
	`input_hash` text NOT NULL,
	`content_hash` text NOT NULL,
	`state_after` text NOT NULL,
	`report` text NOT NULL,
	`built_at_ms` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedule_days_channel_date` ON `schedule_days` (`channel_id`,`broadcast_date`);--> statement-breakpoint
CREATE TABLE `schedule_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_id` integer NOT NULL,
	`name` text DEFAULT 'default' NOT NULL,
	`seed` integer DEFAULT 1 NOT NULL,
	`breaks_per_hour` integer DEFAULT 4 NOT NULL,
	`break_margin_ms` integer DEFAULT 120000 NOT NULL,
	`min_break_ms` integer DEFAULT 30000 NOT NULL,
	`spot_cooldown_ms` integer DEFAULT 3600000 NOT NULL,
	`max_promos_per_break` integer DEFAULT 1 NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedule_plans_channel_id_unique` ON `schedule_plans` (`channel_id`);--> statement-breakpoint
CREATE TABLE `schedule_pool_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_id` integer NOT NULL,
	`role` text NOT NULL,
	`position` integer NOT NULL,
	`collection_id` integer,
	`asset_id` integer,
	`cooldown_ms` integer,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `schedule_pool_items_channel` ON `schedule_pool_items` (`channel_id`);--> statement-breakpoint
CREATE TABLE `schedule_zone_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zone_id` integer NOT NULL,
	`position` integer NOT NULL,
	`collection_id` integer,
	`asset_id` integer,
	`series` text,
	FOREIGN KEY (`zone_id`) REFERENCES `schedule_zones`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `schedule_zone_items_zone` ON `schedule_zone_items` (`zone_id`);--> statement-breakpoint
CREATE TABLE `schedule_zones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`start_local` text NOT NULL,
	`end_local` text NOT NULL,
	`days` text NOT NULL,
	`date_from` text,
	`date_to` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`content_type` text NOT NULL,
	`mid_breaks` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `schedule_plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `schedule_zones_plan` ON `schedule_zones` (`plan_id`);