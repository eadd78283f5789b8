/**
 * @module COC routes: path, schema, action (the hook in http/authenticate.ts authenticates and enforces it),
 * one service call, one envelope. Registered only on flavours that have COC (Huawei Cloud);
 * elsewhere the paths answer COC's 404.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { caller } from '../../http/caller.js'
import type { CocService } from './service.js'
import {
  FavouritesListQuerySchema, FavouritesListResponseSchema, FavouritesUpdateBodySchema, FavouritesUpdateResponseSchema,
} from './schemas.js'
import { cocSchemaError, favouritesList, favouritesSaved } from './wire.js'

export interface CocRouteDeps {
  service: CocService
}

export function cocRoutes({ service }: CocRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const coc = { service: 'coc' as const }

    app.put('/v1/enterprise-project-collect', {
      schema: { body: FavouritesUpdateBodySchema, response: { 200: FavouritesUpdateResponseSchema } },
      schemaErrorFormatter: cocSchemaError,
      config: { ...coc, action: 'coc:update_favourites' },
    }, async (request) => favouritesSaved(await service.updateFavourites(caller(request), request.body)))

    app.get('/v1/enterprise-project-collect', {
      schema: { querystring: FavouritesListQuerySchema, response: { 200: FavouritesListResponseSchema } },
      schemaErrorFormatter: cocSchemaError,
      config: { ...coc, action: 'coc:list_favourites' },
    }, async (request) => favouritesList(await service.listFavourites(caller(request), request.query)))
  }
}
