import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as creatorSearch from './creator/search.operation';
import * as trendHashtags from './trend/hashtags.operation';
import * as trendSounds from './trend/sounds.operation';
import * as videoStats from './video/stats.operation';

export const operations: OperationTable = {
  trend: { hashtags: trendHashtags, sounds: trendSounds },
  creator: { search: creatorSearch },
  video: { stats: videoStats },
};

export const properties = nodeProperties(
  [
    {
      value: 'trend',
      name: 'Trend',
      operations: [
        {
          value: 'hashtags',
          name: 'Hashtags',
          action: 'Get trending hashtags',
          description: 'Hashtags trending for keywords in a region, ranked',
        },
        {
          value: 'sounds',
          name: 'Sounds',
          action: 'Get trending sounds',
          description: 'Sounds trending for keywords in a region, ranked',
        },
      ],
    },
    {
      value: 'creator',
      name: 'Creator',
      operations: [
        {
          value: 'search',
          name: 'Search',
          action: 'Search creators',
          description: 'Creators in a niche with followers, engagement and recent videos',
        },
      ],
    },
    {
      value: 'video',
      name: 'Video',
      operations: [
        {
          value: 'stats',
          name: 'Stats',
          action: 'Get video stats',
          description: 'Views, likes, comments and shares of videos by ID',
        },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
