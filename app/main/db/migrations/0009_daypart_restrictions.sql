ALTER TABLE `assets` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `schedule_zones` ADD `max_rating` text;--> statement-breakpoint
ALTER TABLE `schedule_zones` ADD `tags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `schedule_zones` ADD `allow_unrated` integer DEFAULT true NOT NULL;